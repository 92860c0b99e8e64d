"""The roofline estimate: each phase costs max(bytes ÷ bandwidth, FLOPs ÷ peak, interconnect bytes ÷ link
bandwidth), with no efficiency factor unless the request asks for one (and then it is shown)."""

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from roofline.hardware import Accelerator, get_accelerator, load_accelerator_file
from roofline.modelspec import ModelSpec, load_config, model_spec
from roofline.modelspec.errors import ModelSpecError
from roofline.throughput.precision import kv_bytes_per_element, weight_format
from roofline.throughput.request import ThroughputRequest
from roofline.throughput.traffic import KvLayout, StepTraffic, decode_step, prefill
from roofline.throughput.weights import WeightBytes, weight_bytes

ACTIVATION_BYTES = 2  # bf16 activations in tensor-parallel all-reduces
MAX_BATCH_SEARCH = 1 << 24


class ThroughputError(ValueError):
    """A request the estimator cannot answer; the message says what to change."""


@dataclass
class PhaseEstimate:
    """One phase (a decode step, a prefill) on the whole tensor-parallel group."""

    seconds: float
    memory_seconds: float
    compute_seconds: float
    communication_seconds: float
    bound: str  # "memory", "compute" or "interconnect"
    bytes: float  # to and from device memory, all GPUs together
    flops: float
    bytes_breakdown: dict[str, float]
    communication_bytes_per_gpu: float

    @property
    def intensity_flops_per_byte(self) -> float:
        return self.flops / self.bytes if self.bytes else 0.0


@dataclass
class ThroughputResult:
    request: dict
    model: dict
    accelerator: dict
    decode: dict
    prefill: dict
    request_estimate: dict | None
    memory: dict
    assumptions: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["request"] = data.pop("request")
        return data


@dataclass(frozen=True)
class Setup:
    """Everything an estimate needs, resolved once: a sweep reuses it for every point."""

    spec: ModelSpec
    accelerator: Accelerator
    gpus: int
    weights: WeightBytes
    kv: KvLayout
    kv_bytes: int
    compute_dtype: str
    bandwidth: float  # bytes/s per GPU, efficiency applied
    peak: float  # FLOP/s per GPU, efficiency applied
    link: float | None  # bytes/s per GPU per direction
    kv_shards: int  # how many ways the KV cache is split across the group


@lru_cache(maxsize=64)
def _spec_from_text(config_text: str, name: str) -> ModelSpec:
    return model_spec(json.loads(config_text), name=name)


@lru_cache(maxsize=64)
def _spec_from_source(model: str, allow_local_files: bool) -> ModelSpec:
    config, _ = load_config(model, allow_local_files=allow_local_files)
    return model_spec(config, name=model)


def load_spec(request: ThroughputRequest, allow_local_files: bool = True) -> ModelSpec:
    """The request's model (cached per process: pages ask again as inputs change); ThroughputError if unusable."""
    try:
        if request.config is not None:
            name = str(request.config.get("_name_or_path") or "pasted config")
            return _spec_from_text(json.dumps(request.config, sort_keys=True), name)
        if allow_local_files and Path(request.model).expanduser().exists():
            return _spec_from_source.__wrapped__(request.model, True)  # files change: never cached
        return _spec_from_source(request.model, allow_local_files)
    except ModelSpecError as error:
        raise ThroughputError(str(error)) from None


def resolve(request: ThroughputRequest, allow_local_files: bool = True, spec: ModelSpec | None = None) -> Setup:
    """Load the model and accelerator named in `request` (ThroughputError when either cannot be used)."""
    spec = spec or load_spec(request, allow_local_files)
    if request.gpu.endswith(".json") and allow_local_files:  # a custom accelerator file (CLI)
        accelerator = load_accelerator_file(request.gpu)
    else:
        accelerator = get_accelerator(request.gpu)
    fmt = weight_format(request.weights)
    efficiency = request.efficiency or 1.0
    peak = accelerator.peak_flops(fmt.compute_dtype) * efficiency
    kv_shards = 1 if spec.mla is not None else min(request.gpus, spec.n_kv_heads)
    return Setup(
        spec=spec, accelerator=accelerator, gpus=request.gpus, weights=weight_bytes(spec, fmt), kv=KvLayout(spec),
        kv_bytes=kv_bytes_per_element(request.kv_dtype), compute_dtype=fmt.compute_dtype,
        bandwidth=accelerator.memory_bandwidth_bytes_per_s * efficiency, peak=peak,
        link=accelerator.interconnect_bytes_per_s, kv_shards=kv_shards,
    )  # fmt: skip


def _phase(setup: Setup, traffic: StepTraffic, tokens: int) -> PhaseEstimate:
    """Time one phase on the group: weights and FLOPs split N ways, the KV cache split kv_shards ways, and two
    ring all-reduces of the hidden state per layer when N > 1."""
    n = setup.gpus
    per_gpu_bytes = (traffic.bytes - traffic.kv_read_bytes - traffic.kv_write_bytes) / n
    per_gpu_bytes += (traffic.kv_read_bytes + traffic.kv_write_bytes) / setup.kv_shards
    memory = per_gpu_bytes / setup.bandwidth
    compute = traffic.flops / n / setup.peak
    comm_bytes = 0.0
    communication = 0.0
    if n > 1:
        comm_bytes = setup.spec.n_layers * 2 * 2 * (n - 1) / n * tokens * setup.spec.hidden * ACTIVATION_BYTES
        if not setup.link:
            raise ThroughputError(f"{setup.accelerator.name} has no interconnect figure; tensor parallelism needs one")
        communication = comm_bytes / setup.link
    seconds = max(memory, compute, communication)
    bound = "memory" if seconds == memory else "compute" if seconds == compute else "interconnect"
    return PhaseEstimate(
        seconds, memory, compute, communication, bound, traffic.bytes, traffic.flops, traffic.bytes_breakdown(),
        comm_bytes,
    )  # fmt: skip


def decode_phase(setup: Setup, batch: int, context: int) -> PhaseEstimate:
    traffic = decode_step(setup.spec, setup.weights, setup.kv, setup.kv_bytes, batch, context)
    return _phase(setup, traffic, batch)


def compute_bound_batch(setup: Setup, context: int) -> int | None:
    """The smallest batch at which a decode step at `context` is compute-bound, or None if none up to 2^24
    (attention over a long cache can keep decode memory-bound at any batch)."""

    def compute_bound(batch: int) -> bool:
        phase = decode_phase(setup, batch, context)
        return phase.compute_seconds >= phase.memory_seconds

    if not compute_bound(MAX_BATCH_SEARCH):
        return None
    low, high = 1, MAX_BATCH_SEARCH
    while low < high:
        middle = (low + high) // 2
        if compute_bound(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _memory_fit(setup: Setup, batch: int, longest: int) -> dict:
    capacity = setup.accelerator.memory_bytes
    weights_per_gpu = setup.weights.total / setup.gpus
    kv_per_sequence = setup.kv.cached_elements(longest) * setup.kv_bytes / setup.kv_shards
    free = capacity - weights_per_gpu
    max_batch = int(free // kv_per_sequence) if free > 0 and kv_per_sequence > 0 else 0
    return {
        "capacity_bytes_per_gpu": capacity,
        "weights_bytes_per_gpu": weights_per_gpu,
        "kv_bytes_per_gpu": batch * kv_per_sequence,
        "tokens_per_sequence": longest,
        "fits": weights_per_gpu + batch * kv_per_sequence <= capacity,
        "max_batch": max_batch,
    }


def _request_estimate(setup: Setup, batch: int, prompt: int, output: int, first: PhaseEstimate) -> dict:
    """A whole request: prefill of the prompt, then `output` decode steps with the context growing by one."""
    contexts = np.arange(prompt, prompt + output, dtype=np.float64)
    spec, kv = setup.spec, setup.kv
    cached = sum(e * (contexts if w is None else np.minimum(contexts, w)) for w, (e, _) in kv.groups.items())
    pairs = sum(c * (contexts + 1 if w is None else np.minimum(contexts + 1, w)) for w, (_, c) in kv.groups.items())
    step = decode_phase(setup, batch, prompt)  # context-independent parts are read off one step
    fixed_bytes = (step.bytes - step.bytes_breakdown["kv_read"] - step.bytes_breakdown["kv_write"]) / setup.gpus
    fixed_bytes += step.bytes_breakdown["kv_write"] / setup.kv_shards
    memory = (fixed_bytes + batch * cached * setup.kv_bytes / setup.kv_shards) / setup.bandwidth
    d_qk, d_v = (
        (spec.mla.kv_lora_rank + spec.mla.qk_rope_head_dim, spec.mla.kv_lora_rank)
        if spec.mla
        else (spec.head_dim, spec.v_head_dim)
    )
    flops = 2.0 * spec.matmul_params_per_token * batch + batch * 2.0 * spec.n_heads * (d_qk + d_v) * pairs
    compute = flops / setup.gpus / setup.peak
    seconds = np.maximum(np.maximum(memory, compute), step.communication_seconds)
    decode_seconds = float(seconds.sum())
    total = first.seconds + decode_seconds
    return {
        "prompt": prompt,
        "output": output,
        "ttft_seconds": first.seconds,
        "decode_seconds": decode_seconds,
        "seconds": total,
        "tokens_per_s_per_seq": output / total,
        "tokens_per_s": batch * output / total,
        "tokens_per_s_per_gpu": batch * output / total / setup.gpus,
        "decode_tokens_per_s_per_seq": output / decode_seconds,
        "memory_bound_steps": int(np.count_nonzero(seconds == memory)),
    }


def _assumptions(request: ThroughputRequest, setup: Setup) -> list[str]:
    fmt = weight_format(request.weights)
    notes = [
        "Roofline upper bound: each phase takes max(bytes ÷ memory bandwidth, FLOPs ÷ dense peak, all-reduce "
        "bytes ÷ link bandwidth); real kernels reach a fraction of it, and per-kernel launch and synchronisation "
        "latency is not counted.",
        f"Weights: {fmt.note}; embeddings, norms, routers and the output projection at bf16.",
        f"KV cache at {request.kv_dtype}; activations, logits and other intermediate tensors are assumed to "
        "stay on chip or be negligible next to weights and cache.",
        f"Matmuls at {setup.compute_dtype}: peak {setup.accelerator.peak_flops(setup.compute_dtype):.4g} "
        f"FLOP/s dense per GPU on {setup.accelerator.name}.",
        "FLOPs: 2 per multiply-add; the input embedding is a gather (no FLOPs), the output projection counts.",
    ]
    if setup.spec.moe is not None:
        notes.append(
            "MoE: tokens routed uniformly at random, so a step reads E·(1 − (1 − k/E)^T) distinct routed experts "
            "per MoE layer for T tokens; shared experts and routers every step."
        )
    if setup.spec.mla is not None:
        notes.append(
            "MLA: the cache holds the compressed latent (kv_lora_rank + rope dims per token and layer), "
            "replicated on every GPU under tensor parallelism; attention FLOPs in the absorbed form."
        )
    if any(w is not None for w in setup.spec.attention_windows):
        notes.append("Sliding-window layers cache and attend to at most their window of tokens.")
    if setup.gpus > 1:
        notes.append(
            f"Tensor parallel over {setup.gpus} GPUs: weights and FLOPs split evenly, KV heads split "
            f"{setup.kv_shards} ways, two ring all-reduces of the bf16 hidden state per layer, each GPU sending "
            f"2(N−1)/N of it at {setup.link:.4g} B/s per direction, overlapped perfectly with the rest (the "
            "optimistic bound; see communication_seconds for the term alone)."
        )
    if request.efficiency:
        notes.append(
            f"Efficiency factor {request.efficiency:g} requested: bandwidth and peak FLOP/s are multiplied by it."
        )
    notes.append(
        "Memory fit counts weights and KV cache only; runtime workspace, activations and fragmentation are "
        "the VRAM calculator's job."
    )
    return notes


def estimate_throughput(request: ThroughputRequest, allow_local_files: bool = True) -> ThroughputResult:
    """The roofline throughput of `request`'s model on its accelerator: decode, prefill, a whole request when
    `output` is given, and whether it fits in memory."""
    setup = resolve(request, allow_local_files)
    return estimate_with(setup, request)


def estimate_with(setup: Setup, request: ThroughputRequest) -> ThroughputResult:
    spec, batch = setup.spec, request.batch
    decode = decode_phase(setup, batch, request.context)
    first = _phase(
        setup, prefill(spec, setup.weights, setup.kv, setup.kv_bytes, batch, request.prompt), batch * request.prompt
    )
    longest = max(request.context + 1, request.prompt + (request.output or 0))
    decode_dict = {
        "batch": batch,
        "context": request.context,
        "seconds_per_step": decode.seconds,
        "tokens_per_s_per_seq": 1.0 / decode.seconds,
        "tokens_per_s": batch / decode.seconds,
        "tokens_per_s_per_gpu": batch / decode.seconds / setup.gpus,
        "bytes_per_step": decode.bytes,
        "bytes_breakdown": decode.bytes_breakdown,
        "flops_per_step": decode.flops,
        "intensity_flops_per_byte": decode.intensity_flops_per_byte,
        "bound": decode.bound,
        "memory_seconds": decode.memory_seconds,
        "compute_seconds": decode.compute_seconds,
        "communication_seconds": decode.communication_seconds,
        "communication_bytes_per_gpu": decode.communication_bytes_per_gpu,
        "compute_bound_batch": compute_bound_batch(setup, request.context),
    }
    prefill_dict = {
        "batch": batch,
        "tokens": request.prompt,
        "seconds": first.seconds,
        "tokens_per_s": batch * request.prompt / first.seconds,
        "bytes": first.bytes,
        "flops": first.flops,
        "intensity_flops_per_byte": first.intensity_flops_per_byte,
        "bound": first.bound,
        "memory_seconds": first.memory_seconds,
        "compute_seconds": first.compute_seconds,
        "communication_seconds": first.communication_seconds,
    }
    model = {
        "name": spec.name,
        "architecture": spec.architecture,
        "params_total": spec.params_total,
        "params_active": spec.params_active,
        "params": spec.params,
        "params_source": spec.params_source,
        "weight_bytes": setup.weights.total,
        "kv_bytes_per_token": setup.kv.elements_per_token * setup.kv_bytes,
        "layers": spec.n_layers,
        "hidden": spec.hidden,
        "heads": spec.n_heads,
        "kv_heads": spec.n_kv_heads,
        "head_dim": spec.head_dim,
    }
    accelerator = setup.accelerator
    return ThroughputResult(
        request=request.model_dump(exclude_none=True),
        model=model,
        accelerator={
            "id": accelerator.id,
            "name": accelerator.name,
            "memory_bandwidth_bytes_per_s": accelerator.memory_bandwidth_bytes_per_s,
            "peak_flops_per_s": accelerator.peak_flops(setup.compute_dtype),
            "compute_dtype": setup.compute_dtype,
            "ridge_point_flops_per_byte": accelerator.ridge_point(setup.compute_dtype),
            "memory_bytes": accelerator.memory_bytes,
            "interconnect_bytes_per_s": accelerator.interconnect_bytes_per_s,
        },
        decode=decode_dict,
        prefill=prefill_dict,
        request_estimate=(
            _request_estimate(setup, batch, request.prompt, request.output, first) if request.output else None
        ),
        memory=_memory_fit(setup, batch, longest),
        assumptions=_assumptions(request, setup),
        sources=dict(accelerator.sources),
    )
