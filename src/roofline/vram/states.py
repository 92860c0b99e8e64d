"""Model states per GPU in training: parameters, gradients and optimizer state, for a precision regime, an
optimizer and a sharding scheme (ZeRO, FSDP, tensor and pipeline parallel, CPU offload, LoRA/QLoRA).

Bytes per parameter (Rajbhandari et al. 2020, "ZeRO", §3 and §5: 2Ψ + 2Ψ + KΨ with K = 12 for mixed-precision
Adam): fp32 4 + 4 + states; pure bf16 2 + 2 + states in bf16 (PyTorch keeps optimizer state in the parameter's
dtype); mixed precision 2 + 2 + (4 master + states in fp32). States: AdamW two moments; SGD one momentum buffer;
8-bit Adam (bitsandbytes) two 1-byte moments plus an fp32 absmax per 256-element block each (tensors under 4096
elements keep 32-bit state); Adafactor (no first moment) a row and a column vector per matrix, a full vector
otherwise. ZeRO-1 shards the optimizer state over the N data-parallel GPUs, ZeRO-2 also the gradients, ZeRO-3
also the parameters (FSDP FULL_SHARD = ZeRO-3, SHARD_GRAD_OP = ZeRO-2, NO_SHARD = 0, HYBRID_SHARD = ZeRO-3 within
an 8-GPU node).
"""

from dataclasses import dataclass

from roofline.modelspec import ModelSpec
from roofline.throughput.weights import attention_matrices, mlp_matrices
from roofline.vram.request import VramRequest

GPUS_PER_NODE = 8  # HYBRID_SHARD shards within a node of this many GPUs
FP32_BYTES = 4
BNB_BLOCK = 256  # bitsandbytes blockwise 8-bit optimizer state
BNB_MIN_8BIT = 4096  # smaller tensors keep 32-bit state
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)  # QLoRA NF4 with double quantisation: 4.127 bits per weight
LORA_BYTES = 4  # PEFT keeps adapters in fp32 (autocast_adapter_dtype)
FSDP_STAGE = {"FULL_SHARD": 3, "SHARD_GRAD_OP": 2, "HYBRID_SHARD": 3, "NO_SHARD": 0}


@dataclass(frozen=True)
class Sharding:
    stage: int  # ZeRO-equivalent stage
    ways: int  # GPUs the sharded states are split over
    label: str


def sharding_of(request: VramRequest) -> Sharding:
    dp = request.data_parallel
    if request.fsdp:
        ways = min(dp, GPUS_PER_NODE) if request.fsdp == "HYBRID_SHARD" else dp
        return Sharding(FSDP_STAGE[request.fsdp], ways, f"FSDP {request.fsdp} over {ways} GPUs")
    if request.zero:
        return Sharding(request.zero, dp, f"ZeRO-{request.zero} over {dp} GPUs")
    return Sharding(0, 1, "no sharding (plain data parallel)")


Matrices = list[tuple[int, int, int]]  # (rows, cols, how many)


def matrices(spec: ModelSpec) -> Matrices:
    """Every weight matrix of the model, embeddings included, as (rows, cols, count)."""
    sparse = len(spec.moe.sparse_layers) if spec.moe else 0
    mats = [(r, c, spec.n_layers) for r, c in attention_matrices(spec)]
    mats += [(r, c, spec.n_layers - sparse) for r, c in mlp_matrices(spec.hidden, spec.intermediate, spec.gated_mlp)]
    if spec.moe is not None:
        expert = mlp_matrices(spec.hidden, spec.moe.expert_intermediate, spec.gated_mlp)
        mats += [(r, c, spec.moe.n_routed_experts * sparse) for r, c in expert]
        if spec.moe.shared_intermediate:
            mats += [(r, c, sparse) for r, c in mlp_matrices(spec.hidden, spec.moe.shared_intermediate, spec.gated_mlp)]
    mats.append((spec.vocab, spec.hidden, 1 if spec.tied_embeddings else 2))
    return mats


def _elements(mats: Matrices) -> int:
    return sum(r * c * n for r, c, n in mats)


def linear_params(spec: ModelSpec) -> int:
    """Parameters in the decoder layers' linear projections (what QLoRA stores in 4 bits)."""
    return _elements(matrices(spec)[:-1])


def lora_matrices(spec: ModelSpec, rank: int) -> Matrices:
    """The A (rank × in) and B (out × rank) matrices of every adapted projection."""
    per_layer = attention_matrices(spec) + mlp_matrices(spec.hidden, spec.intermediate, spec.gated_mlp)
    return [m for rows, cols in per_layer for m in ((rank, cols, spec.n_layers), (rows, rank, spec.n_layers))]


def optimizer_state_bytes(
    optimizer: str, state_bytes: int, mats: Matrices, other: int, other_size: int
) -> tuple[float, str]:
    """Bytes of optimizer state for trainable weight matrices `mats` and `other` vector parameters (norms, biases)
    of about `other_size` elements each."""
    elements = _elements(mats) + other
    if optimizer == "adamw":
        return 2 * state_bytes * elements, f"2 moments × {state_bytes} B × params"
    if optimizer == "sgd":
        return state_bytes * elements, f"momentum buffer {state_bytes} B × params"
    if optimizer == "adam8bit":
        big = sum(r * c * n for r, c, n in mats if r * c >= BNB_MIN_8BIT) + (other if other_size >= BNB_MIN_8BIT else 0)
        small = elements - big
        per = 2 * (1 + FP32_BYTES / BNB_BLOCK)
        return per * big + 2 * FP32_BYTES * small, (
            f"2 moments × (1 B + 4 B/{BNB_BLOCK} absmax) × params in tensors ≥ {BNB_MIN_8BIT} elements, 8 B the rest"
        )
    factored = sum((r + c) * n for r, c, n in mats)  # adafactor: row + column statistics per matrix
    return state_bytes * (factored + other), f"{state_bytes} B × (rows + cols of each matrix + other params)"


@dataclass(frozen=True)
class ModelStates:
    """Per-GPU bytes of the model states, and what the formulas were."""

    parameters: float
    gradients: float
    optimizer: float
    step_transient: float  # extra memory during optimizer.step()
    gathered: float  # ZeRO-3/FSDP: unsharded parameters (and one layer's gradients) in flight
    trainable: int
    formulas: dict[str, str]
    notes: list[str]


def model_states(spec: ModelSpec, request: VramRequest) -> ModelStates:
    """Per-GPU parameters, gradients and optimizer state for `request`'s regime, optimizer and sharding."""
    shard = sharding_of(request)
    mp = request.tp * request.pp  # model parallel split of every tensor (even, as Megatron lays it out)
    total = spec.params_total
    p_bytes = 4 if request.param_dtype == "fp32" and not request.mixed_precision else 2
    notes: list[str] = []
    if request.lora_rank:  # PEFT 'all-linear' on the blocks: attention and dense-MLP projections, not experts
        mats, other = lora_matrices(spec, request.lora_rank), 0
        trainable = _elements(mats)
        base = NF4_BYTES * linear_params(spec) + 2 * (total - linear_params(spec)) if request.qlora else p_bytes * total
        base_formula = (
            f"{NF4_BYTES:.4f} B × linear params (NF4 + double-quantised absmax) + 2 B × the rest"
            if request.qlora else f"{p_bytes} B × {total:,} frozen params"
        )  # fmt: skip
        g_bytes, s_bytes, master = LORA_BYTES, LORA_BYTES, 0
        params_bytes = base + LORA_BYTES * trainable
        param_formula = f"{base_formula} + {LORA_BYTES} B × {trainable:,} LoRA params"
    else:
        mats = matrices(spec)
        trainable = total
        other = total - _elements(mats)
        g_bytes = p_bytes
        s_bytes = 4 if request.mixed_precision else p_bytes
        master = 4 if request.mixed_precision else 0
        params_bytes = p_bytes * total
        param_formula = f"{p_bytes} B × {total:,} params"
    opt, opt_formula = optimizer_state_bytes(request.optimizer, s_bytes, mats, other, spec.hidden)
    opt += master * trainable
    if master:
        opt_formula = f"4 B fp32 master × params + {opt_formula}"
    grads = g_bytes * trainable
    p_div = shard.ways if shard.stage >= 3 else 1
    g_div = shard.ways if shard.stage >= 2 else 1
    o_div = shard.ways if shard.stage >= 1 else 1
    offload = request.cpu_offload and request.mode == "train"
    formulas = {
        "parameters": param_formula + (f" ÷ {mp} (tp × pp)" if mp > 1 else "") + (f" ÷ {p_div}" if p_div > 1 else ""),
        "gradients": f"{g_bytes} B × {trainable:,} trainable"
        + (f" ÷ {mp}" if mp > 1 else "")
        + (f" ÷ {g_div}" if g_div > 1 else ""),
        "optimizer": opt_formula + (f" ÷ {mp}" if mp > 1 else "") + (f" ÷ {o_div}" if o_div > 1 else ""),
    }
    optimizer = opt / mp / o_div
    gradients = grads / mp / g_div
    if offload:
        formulas["optimizer"] = "on the CPU (offloaded)"
        optimizer = 0.0
        if shard.stage >= 2:
            formulas["gradients"] += ", partition copied to the CPU for the step"
    # Step transient: torch's foreach AdamW makes one temporary of the (local) parameters at the state dtype
    # (sqrt of the second moment); mixed precision (DeepSpeed) an fp32 copy of the local gradient partition.
    if offload:
        transient = 0.0
    elif request.mixed_precision:
        transient = 4 * trainable / mp / o_div
    elif request.optimizer in ("adamw", "adafactor"):
        transient = s_bytes * trainable / mp / o_div
    else:
        transient = 0.0
    gathered = 0.0
    if shard.stage >= 3 and shard.ways > 1:
        layer_params = (total - spec.vocab * spec.hidden * (1 if spec.tied_embeddings else 2)) / spec.n_layers
        gathered = (2 * p_bytes + g_bytes) * layer_params / mp  # two layers gathered (prefetch), one layer's grads
        formulas["parameters"] += (
            f" + in flight: 2 layers × {p_bytes} B unsharded params (prefetch) + 1 layer × {g_bytes} B of gradients"
        )
    if shard.stage and shard.ways == 1:
        notes.append(
            f"{shard.label}: sharding over one GPU saves nothing (every shard is the whole); allowed, but pointless."
        )
    return ModelStates(
        parameters=params_bytes / mp / p_div, gradients=gradients, optimizer=optimizer, step_transient=transient,
        gathered=gathered, trainable=trainable, formulas=formulas, notes=notes,
    )  # fmt: skip
