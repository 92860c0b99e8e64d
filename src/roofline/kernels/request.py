"""The benchmark request: the same JSON (or YAML) from the CLI, the API and the page."""

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from roofline.kernels.errors import KernelBenchError

DtypeName = Literal["float32", "float16", "bfloat16"]
DTYPE_SPELLINGS = {"fp32": "float32", "float": "float32", "fp16": "float16", "half": "float16",
                   "bf16": "bfloat16"}  # fmt: skip


class BenchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kernel: str | None = Field(None, description="A built-in kernel (softmax, layernorm, rmsnorm, gemm, attention, "
                               "attention-causal); or give `file`.")  # fmt: skip
    file: str | None = Field(None, description="CLI only: a Python file defining a custom kernel (docs/kernels.md).")
    shapes: list[str | list[int] | dict[str, int]] | None = Field(
        None, description="Shapes such as '4096x1024' in the kernel's dims; default: the kernel's set for the device."
    )
    dtypes: list[DtypeName] | None = Field(None, description="Default: float32 on the CPU, bfloat16 on a GPU.")
    impls: list[str] | None = Field(None, description="Implementations to run; default: all of the kernel's.")
    baseline: str = Field("eager", description="Implementation the speedups are relative to.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA when available, else the CPU.")
    l2: Literal["cold", "warm"] = Field("cold", description="GPU: flush L2 before each timed call (cold) or not.")
    cuda_graphs: bool = Field(False, description="GPU: time replays of a CUDA graph (warm L2, no launch overhead).")
    min_time_s: float = Field(0.2, gt=0, le=60, description="Seconds of timed samples per result (at least).")
    warmup_s: float = Field(0.05, ge=0, le=60, description="Seconds of warm-up calls per result.")
    threads: int | None = Field(None, ge=1, le=1024, description="CPU: torch threads for the run (default: torch's).")
    seed: int = Field(0, ge=0, description="Seed of the correctness checks' random inputs.")
    accelerator: str | None = Field(None, description="GPU: catalog id for the roofline when the name does not match.")

    @model_validator(mode="before")
    @classmethod
    def spell_dtypes(cls, data):
        if isinstance(data, dict) and isinstance(data.get("dtypes"), list):
            data = {**data, "dtypes": [DTYPE_SPELLINGS.get(str(d).lower(), str(d).lower()) for d in data["dtypes"]]}
        return data

    @model_validator(mode="after")
    def one_kernel(self) -> "BenchRequest":
        if (self.kernel is None) == (self.file is None):
            raise ValueError("give exactly one of `kernel` (a built-in kernel) and `file` (a custom kernel file)")
        return self


def request_from_yaml(path: str | Path, **overrides) -> BenchRequest:
    """A request from a YAML (or JSON) sweep file; CLI options given alongside override its fields."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except OSError as error:
        raise KernelBenchError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise KernelBenchError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise KernelBenchError(f"{path} must hold a mapping of request fields (kernel, shapes, dtypes, impls, ...)")
    data.update({key: value for key, value in overrides.items() if value is not None})
    try:
        return BenchRequest.model_validate(data)
    except ValidationError as error:
        raise KernelBenchError(f"{path}: " + "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}"
                                                       for e in error.errors())) from None  # fmt: skip
