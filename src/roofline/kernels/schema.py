"""The results file (JSON), versioned: `schema` is "roofline.kernels.results/1". The engine writes it, the API
validates uploads with these models, and docs/kernels.md describes every field. `results_json_schema()` is the
JSON Schema. Times are seconds, rates FLOP/s-derived TFLOP/s (1e12) and GB/s (1e9 bytes/s).
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA = "roofline.kernels.results/1"
Status = Literal["ok", "correctness_only", "wrong", "not_run", "error"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class CorrectnessOut(_Open):
    """The correctness checks of one result (roofline.kernels.correctness)."""

    passed: bool
    checks: int
    atol: float
    rtol: float
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    mismatches: int = 0
    elements: int = 0
    output_shape: list[int] | None = None
    failure: str | None = None


class TimingOut(_Open):
    median_s: float = Field(gt=0)
    q1_s: float
    q3_s: float
    iqr_s: float
    min_s: float
    samples: int
    calls_per_sample: int
    method: Literal["cuda-events", "cuda-graph", "cpu-perf-counter"]
    l2: Literal["cold", "warm"] | None = None
    flush_bytes: int | None = None
    host_s: float | None = Field(None, ge=0, description="cuda-events: median host time to enqueue one call.")
    launch_bound: bool | None = Field(None, description="cuda-events: host_s > median_s (the host sets the pace).")
    pad_s: float | None = Field(None, ge=0, description="cuda-events: GPU sleep before each call (hides launch).")


class ResultRow(_Open):
    kernel: str
    shape: dict[str, int]
    shape_label: str
    size: int = Field(description="Elements of the problem: the product of the shape's dims (the plots' x axis).")
    dtype: str
    impl: str
    family: str
    description: str = ""
    status: Status
    reason: str | None = None
    interpreted: bool = False
    correctness: CorrectnessOut | None = None
    timing: TimingOut | None = None
    flops: int
    bytes: int
    tflops_per_s: float | None = None
    gb_per_s: float | None = None
    roofline_fraction: float | None = None
    bound: Literal["memory", "compute"] | None = None
    speedup: float | None = None


class RooflineOut(_Open):
    source: Literal["catalog", "calibration", "none"]
    name: str
    memory_bandwidth_bytes_per_s: float | None
    peak_flops_per_s: dict[str, float]
    vector_flops_per_s: float | None = None
    notes: list[str] = []
    accelerator_id: str | None = None


class EnvironmentOut(_Open):
    device: Literal["cpu", "cuda"]
    device_name: str
    torch: str
    triton: str | None = None
    cuda: str | None = None
    driver: str | None = None


class ResultsFile(_Open):
    schema_: Literal["roofline.kernels.results/1"] = Field(alias="schema")
    created_at: str
    request: dict
    kernel: dict
    environment: EnvironmentOut
    roofline: RooflineOut
    baseline: str
    results: list[ResultRow]
    assumptions: list[str] = []


class InvalidResults(ValueError):
    pass


def validate_results(data) -> ResultsFile:
    """The parsed file, or InvalidResults with every problem named by its location."""
    if not isinstance(data, dict):
        raise InvalidResults("a results file is a JSON object with schema, environment, roofline and results")
    if data.get("schema") != SCHEMA:
        raise InvalidResults(f"unsupported results schema {data.get('schema')!r}; this version reads {SCHEMA!r}")
    try:
        return ResultsFile.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:5])
        raise InvalidResults(f"invalid results file: {problems}") from None


def results_json_schema() -> dict:
    return ResultsFile.model_json_schema(by_alias=True)
