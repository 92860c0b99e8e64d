"""The throughput estimator's request: the same JSON in the CLI, the API, the page and article embeds."""

from typing import Literal

from pydantic import Field

from roofline.modelspec.request import ModelSource

WeightName = Literal["bf16", "fp16", "fp8", "int8", "int4"]
KvName = Literal["bf16", "fp16", "fp8", "int8"]


class ThroughputRequest(ModelSource):
    gpu: str = Field(
        "h100-sxm", description="Accelerator id or alias from the catalog, or (CLI only) a custom accelerator .json."
    )
    gpus: int = Field(1, ge=1, le=1024, description="GPUs in one tensor-parallel group.")
    weights: WeightName = Field("bf16", description="Storage format of the linear layers' weights.")
    kv_dtype: KvName = Field("bf16", description="Storage format of the KV cache.")
    batch: int = Field(1, ge=1, le=1_000_000, description="Sequences decoded together.")
    context: int = Field(2048, ge=0, le=100_000_000, description="Tokens already cached per sequence at decode.")
    prompt: int = Field(512, ge=1, le=100_000_000, description="Prompt tokens per sequence (prefill, TTFT).")
    output: int | None = Field(
        None, ge=1, le=1_000_000, description="Output tokens per sequence: estimates a whole request when given."
    )
    efficiency: float | None = Field(
        None, gt=0, le=1, description="Optional fraction of peak bandwidth and FLOP/s assumed reachable; shown."
    )
