"""The VRAM estimate: per-GPU breakdown with formulas, the peak and its phase, the verdict against the
accelerator's memory, the largest micro-batch that fits and the changes that would make it fit."""

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from roofline.hardware import Accelerator, get_accelerator, load_accelerator_file
from roofline.modelspec import ModelSpec, load_config, model_spec
from roofline.modelspec.errors import ModelSpecError
from roofline.vram.activations import CUDA, KernelRules
from roofline.vram.inference import InferenceMemory, inference_memory, kv_capacity
from roofline.vram.request import VramRequest
from roofline.vram.training import training_memory
from roofline.vram.traits import Traits, traits_of

OVERHEAD_BYTES = 1 << 30  # CUDA context, cuBLAS/cuDNN workspaces, NCCL buffers: 1 GiB assumed per GPU
CATEGORIES = ("parameters", "gradients", "optimizer", "activations", "logits", "kv_cache", "overhead")
MAX_BATCH = 1 << 20


class VramError(ValueError):
    """A request the calculator cannot answer; the message says what to change."""


@dataclass
class VramResult:
    request: dict
    model: dict
    accelerator: dict
    mode: str
    peak_bytes: float  # tensor peak + overhead, per GPU
    tensor_peak_bytes: float  # what PyTorch's allocator hands out at the peak (no overhead)
    peak_phase: str
    peak_moment: str
    breakdown: dict[str, float]
    lines: list[dict]
    phases: dict[str, float]
    capacity_bytes: int
    fits: bool
    margin_bytes: float
    max_micro_batch: int
    suggestions: list[dict]
    kv_capacity: dict | None
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=64)
def _config_from_source(model: str, allow_local_files: bool) -> str:
    config, _ = load_config(model, allow_local_files=allow_local_files)
    return json.dumps(config, sort_keys=True)


@lru_cache(maxsize=64)
def _spec(config_text: str, name: str) -> tuple[ModelSpec, Traits]:
    config = json.loads(config_text)
    spec = model_spec(config, name=name)
    return spec, traits_of(spec, config)


def load_model(request: VramRequest, allow_local_files: bool = True) -> tuple[ModelSpec, Traits]:
    """The request's model and its family traits (cached per process); VramError if unusable."""
    try:
        if request.config is not None:
            name = str(request.config.get("_name_or_path") or "pasted config")
            return _spec(json.dumps(request.config, sort_keys=True), name)
        if allow_local_files and Path(request.model).expanduser().exists():
            text = _config_from_source.__wrapped__(request.model, True)  # files change: never cached
        else:
            text = _config_from_source(request.model, allow_local_files)
        return _spec(text, request.model)
    except ModelSpecError as error:
        raise VramError(str(error)) from None


def _accelerator(request: VramRequest, allow_local_files: bool) -> Accelerator:
    if request.gpu.endswith(".json") and allow_local_files:
        return load_accelerator_file(request.gpu)
    return get_accelerator(request.gpu)


def check_parallelism(spec: ModelSpec, request: VramRequest) -> None:
    """Settings that cannot run: VramError with what to change."""
    tp = request.tp
    if spec.n_heads % tp:
        raise VramError(f"tensor parallel size {tp} does not divide the {spec.n_heads} attention heads; "
                        f"use a divisor of {spec.n_heads}")  # fmt: skip
    if spec.mla is None and spec.n_kv_heads % tp and tp % spec.n_kv_heads:
        raise VramError(f"tensor parallel size {tp} neither divides nor is a multiple of the {spec.n_kv_heads} KV "
                        "heads")  # fmt: skip
    if request.pp > spec.n_layers:
        raise VramError(f"pipeline parallel size {request.pp} exceeds the {spec.n_layers} layers")
    if request.mode == "infer" and (request.zero or request.fsdp or request.lora_rank):
        raise VramError("ZeRO, FSDP and LoRA are training settings; drop them for --mode infer")


@dataclass
class TensorMemory:
    """Tensor memory per GPU at the peak: by category, when, the peak of each phase, formulas and notes."""

    parts: dict[str, float]
    phase: str
    moment: str
    phases: dict[str, float]
    formulas: dict[str, str]
    notes: list[str]
    serving: InferenceMemory | None = None  # for the KV-capacity inverse

    @property
    def total(self) -> float:
        return sum(self.parts.values())


def tensor_memory(spec: ModelSpec, traits: Traits, request: VramRequest, rules: KernelRules = CUDA) -> TensorMemory:
    """The tensor memory of `request` (no runtime overhead): the training step's peak, or serving's."""
    if request.mode == "train":
        memory = training_memory(spec, traits, request, rules)
        phases: dict[str, float] = {}
        for point in memory.points:
            phases[point.phase] = max(phases.get(point.phase, 0.0), point.total)
        formulas = {**memory.states.formulas, **memory.formulas}
        return TensorMemory(memory.peak.parts, memory.peak.phase, memory.peak.moment, phases, formulas, memory.notes)
    memory = inference_memory(spec, request)
    total = sum(memory.parts.values())
    moment = "prefill of the largest chunk with the cache full"
    return TensorMemory(memory.parts, "prefill", moment, {"prefill": total}, memory.formulas, memory.notes, memory)


def _peak(spec: ModelSpec, traits: Traits, request: VramRequest) -> float:
    return tensor_memory(spec, traits, request).total + OVERHEAD_BYTES


def max_micro_batch(spec: ModelSpec, traits: Traits, request: VramRequest, capacity: float) -> int:
    """The largest batch (micro-batch in training, sequences in serving) whose peak fits; 0 if none. Memory grows
    linearly with the batch at every moment of the step, so the line through batches 1 and 2 gives the answer;
    it is then checked (b fits, b + 1 does not) and searched by bisection if the check fails."""

    def fits(batch: int) -> bool:
        return _peak(spec, traits, request.model_copy(update={"batch": batch})) <= capacity

    one = _peak(spec, traits, request.model_copy(update={"batch": 1}))
    if one > capacity:
        return 0
    slope = _peak(spec, traits, request.model_copy(update={"batch": 2})) - one
    guess = MAX_BATCH if slope <= 0 else min(MAX_BATCH, 1 + int((capacity - one) // slope))
    if guess == MAX_BATCH or (fits(guess) and not fits(guess + 1)):
        return guess
    low, high = 1, MAX_BATCH + 1
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def _candidates(request: VramRequest) -> list[tuple[str, dict]]:
    """Changes that lower training memory, most conservative first."""
    if request.mode == "infer":
        out = []
        if request.weights in ("bf16", "fp16"):
            out.append(("int4 weights (AWQ/GPTQ)", {"weights": "int4"}))
            out.append(("fp8 weights", {"weights": "fp8"}))
        if request.kv_dtype in ("bf16", "fp16"):
            out.append(("fp8 KV cache", {"kv_dtype": "fp8"}))
        out.append((f"tensor parallel over {request.tp * 2} GPUs", {"tp": request.tp * 2, "gpus": request.gpus * 2}))
        return out
    out = []
    if request.checkpointing != "full":
        out.append(("full activation checkpointing", {"checkpointing": "full"}))
    if request.gpus > 1 and not request.fsdp and request.zero < 3:
        out.append((f"ZeRO-{request.zero + 1}", {"zero": request.zero + 1}))
        out.append(("ZeRO-3", {"zero": 3}))
    doubled = max(request.gpus * 2, 8 if request.gpus == 1 else 0)
    stage = {"fsdp": "FULL_SHARD"} if request.fsdp else {"zero": 3}
    out.append((f"ZeRO-3 over {doubled} GPUs", {**stage, "gpus": doubled}))
    if not request.lora_rank:
        out.append(("LoRA rank 16", {"lora_rank": 16}))
        out.append(("QLoRA rank 16 (4-bit base)", {"lora_rank": 16, "qlora": True}))
    if request.optimizer == "adamw":
        out.append(("8-bit Adam", {"optimizer": "adam8bit"}))
    return out


def suggestions(spec: ModelSpec, traits: Traits, request: VramRequest, capacity: float) -> list[dict]:
    rows = []
    for label, change in _candidates(request):
        try:
            changed = VramRequest.model_validate({**request.model_dump(), **change})
            check_parallelism(spec, changed)
        except (ValueError, VramError):
            continue
        if "tp" in change and (spec.n_heads % changed.tp):
            continue
        peak = _peak(spec, traits, changed)
        rows.append({"change": label, "request": change, "peak_bytes": peak, "fits": peak <= capacity})
    return rows


def _assumptions(request: VramRequest) -> list[str]:
    notes = [
        f"Runtime overhead {OVERHEAD_BYTES / 2**30:g} GiB per GPU (CUDA context, cuBLAS/cuDNN workspaces, NCCL "
        "buffers; typically 0.5–1.5 GiB: measure nvidia-smi minus torch.cuda.memory_reserved on your stack); "
        "allocator fragmentation is not counted.",
        "GiB = 2^30 bytes; capacities are the catalog's bytes.",
    ]
    if request.mode == "train":
        notes += [
            "Tensor memory as PyTorch allocates it in a Hugging Face training step: `loss = model(**batch).loss; "
            "loss.backward(); optimizer.step(); optimizer.zero_grad(set_to_none=True)`, use_cache=False; the "
            "outputs (and logits) are dropped before backward, as the Trainer does.",
            "Activations: the tensors autograd saves, counted per op for the model family (docs/vram.md); CUDA "
            "kernels: flash/mem-efficient SDPA, bool dropout masks.",
            "AdamW with torch's default foreach implementation: one parameter-sized temporary in the step; "
            "mixed precision (DeepSpeed style): bf16 weights and gradients, fp32 master weights and moments, and "
            "an fp32 copy of the local gradient partition in the step.",
        ]
    else:
        notes += [
            "Serving as vLLM does: the cache for `batch` sequences of `seq` tokens, one prefill chunk in flight, "
            "logits only for the last position of each sequence.",
        ]
    return notes


def estimate_vram(request: VramRequest, allow_local_files: bool = True, rules: KernelRules = CUDA) -> VramResult:
    """Per-GPU memory of `request` on its accelerator (VramError for settings that cannot run)."""
    spec, traits = load_model(request, allow_local_files)
    accelerator = _accelerator(request, allow_local_files)
    check_parallelism(spec, request)
    memory = tensor_memory(spec, traits, request, rules)
    tensor_peak = memory.total
    formulas = memory.formulas
    breakdown = {name: float(memory.parts.get(name, 0.0)) for name in CATEGORIES}
    breakdown["overhead"] = float(OVERHEAD_BYTES)
    formulas["overhead"] = "1 GiB assumed (CUDA context and library workspaces)"
    peak = tensor_peak + OVERHEAD_BYTES
    capacity = accelerator.memory_bytes
    lines = [
        {"name": name, "bytes": breakdown[name], "formula": formulas.get(name, "")}
        for name in CATEGORIES if breakdown[name]
    ]  # fmt: skip
    kv = None
    if request.mode == "infer":
        kv = kv_capacity(memory.serving, capacity, request.gpu_memory_utilization, OVERHEAD_BYTES, request.seq)
    return VramResult(
        request=request.model_dump(exclude_none=True),
        model={"name": spec.name, "architecture": spec.architecture, "params_total": spec.params_total,
               "params_active": spec.params_active, "n_layers": spec.n_layers, "hidden": spec.hidden,
               "vocab": spec.vocab},
        accelerator={"id": accelerator.id, "name": accelerator.name, "memory_bytes": capacity},
        mode=request.mode, peak_bytes=peak, tensor_peak_bytes=tensor_peak, peak_phase=memory.phase,
        peak_moment=memory.moment,
        breakdown=breakdown, lines=lines, phases=memory.phases, capacity_bytes=capacity, fits=peak <= capacity,
        margin_bytes=capacity - peak, max_micro_batch=max_micro_batch(spec, traits, request, capacity),
        suggestions=suggestions(spec, traits, request, capacity) if peak > capacity * 0.9 else [],
        kv_capacity=kv, notes=memory.notes, assumptions=_assumptions(request), sources=_SOURCES,
    )  # fmt: skip


_SOURCES = {
    "model states": "Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter "
    "Models, §3, §5 (arXiv:1910.02054)",
    "activations": "Korthikanti et al. 2022, Reducing Activation Recomputation in Large Transformer Models "
    "(arXiv:2205.05198), re-derived per op for gated MLPs, GQA and flash attention (docs/vram.md)",
    "pipeline": "Narayanan et al. 2021, Efficient Large-Scale Language Model Training on GPU Clusters Using "
    "Megatron-LM (arXiv:2104.04473), 1F1B schedule",
    "QLoRA": "Dettmers et al. 2023, QLoRA (arXiv:2305.14314): NF4 with double quantisation, 0.127 bits/param "
    "of constants",
    "KV cache": "Kwon et al. 2023, vLLM PagedAttention (arXiv:2309.06180); DeepSeek-V2 (arXiv:2405.04434) for MLA",
}
