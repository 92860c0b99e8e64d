"""The VRAM calculator's request: the same JSON in the CLI, the API, the page and article embeds."""

from typing import Literal

from pydantic import Field, model_validator

from roofline.modelspec.request import ModelSource

Mode = Literal["train", "infer"]
ParamDtype = Literal["fp32", "bf16"]
Optimizer = Literal["adamw", "sgd", "adam8bit", "adafactor"]
Attention = Literal["eager", "sdpa"]
Checkpointing = Literal["none", "selective", "full"]
FsdpMode = Literal["FULL_SHARD", "SHARD_GRAD_OP", "HYBRID_SHARD", "NO_SHARD"]
WeightName = Literal["bf16", "fp16", "fp8", "int8", "int4"]
KvName = Literal["bf16", "fp16", "fp8", "int8"]


class VramRequest(ModelSource):
    mode: Mode = Field("train", description="train: one optimizer step; infer: serving with a KV cache.")
    gpu: str = Field("h100-sxm", description="Accelerator id or alias from the catalog.")
    batch: int = Field(
        1, ge=1, le=1_000_000, description="Micro-batch per GPU (train) or concurrent sequences (infer)."
    )
    seq: int = Field(2048, ge=1, le=10_000_000, description="Tokens per sequence (train) or context length (infer).")
    param_dtype: ParamDtype = Field("bf16", description="Training: dtype of the working weights and activations.")
    mixed_precision: bool = Field(
        False, description="Training: bf16 weights and gradients with fp32 master weights in the optimizer."
    )
    optimizer: Optimizer = Field("adamw", description="Training optimizer.")
    attention: Attention = Field("sdpa", description="eager materialises the score matrix; sdpa (flash) does not.")
    checkpointing: Checkpointing = Field("none", description="Activation checkpointing.")
    dropout: bool | None = Field(None, description="Training: dropout on (None: as the model's config says).")
    zero: int = Field(0, ge=0, le=3, description="DeepSpeed ZeRO stage over the data-parallel GPUs.")
    fsdp: FsdpMode | None = Field(None, description="PyTorch FSDP sharding strategy (instead of --zero).")
    gpus: int = Field(1, ge=1, le=100_000, description="GPUs in total (data × tensor × pipeline parallel).")
    tp: int = Field(1, ge=1, le=1024, description="Tensor-parallel size.")
    pp: int = Field(1, ge=1, le=1024, description="Pipeline-parallel size.")
    sequence_parallel: bool = Field(False, description="Megatron sequence parallelism (with tp > 1).")
    cpu_offload: bool = Field(False, description="Optimizer states (and ZeRO-2/3 gradient shards) on the CPU.")
    lora_rank: int | None = Field(None, ge=1, le=4096, description="Train LoRA adapters of this rank.")
    qlora: bool = Field(False, description="4-bit NF4 base weights (QLoRA); needs lora_rank.")
    weights: WeightName = Field("bf16", description="Inference: storage format of the linear layers' weights.")
    kv_dtype: KvName = Field("bf16", description="Inference: storage format of the KV cache.")
    block_size: int | None = Field(None, ge=1, le=4096, description="Inference: paged KV block in tokens (vLLM 16).")
    prefill_chunk: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="Inference: prefill tokens per step (chunked prefill; None: one whole prompt of `seq` tokens).",
    )
    gpu_memory_utilization: float = Field(
        0.9, gt=0, le=1, description="Inference: fraction of memory the server may use (vLLM's setting)."
    )

    @model_validator(mode="after")
    def consistent(self) -> "VramRequest":
        if self.zero and self.fsdp:
            raise ValueError("give either a ZeRO stage or an FSDP mode, not both")
        if self.gpus % (self.tp * self.pp):
            raise ValueError(f"gpus ({self.gpus}) must be a multiple of tp × pp ({self.tp} × {self.pp})")
        if self.qlora and self.lora_rank is None:
            raise ValueError("QLoRA needs a LoRA rank (lora_rank)")
        if self.sequence_parallel and self.tp == 1:
            raise ValueError("sequence parallelism splits activations over the tensor-parallel group: needs tp > 1")
        return self

    @property
    def data_parallel(self) -> int:
        return self.gpus // (self.tp * self.pp)
