"""Serving figures for the card, from the throughput estimator (`roofline.throughput`): weights and KV-cache
memory and the roofline decode speed at batch 1 on a few common GPUs. These are upper bounds that count
weights and KV cache only; the VRAM calculator (`roofline vram`) refines the memory with activations, runtime
workspace and fragmentation."""

from dataclasses import asdict, dataclass

from roofline.cards.errors import CardError
from roofline.hardware import UnknownAccelerator, UnsupportedDtype, get_accelerator
from roofline.throughput import ThroughputError, ThroughputRequest, estimate_throughput

DEFAULT_GPUS = ("h100-sxm", "a100-80gb", "l40s", "rtx4090")
CONTEXT_TOKENS = 4096  # the context at which decode is timed and the KV cache sized (or the model's, if less)
# how a checkpoint's stored dtype or quantisation maps to the estimator's weight formats
_FORMATS = {
    "bf16": "bf16", "bfloat16": "bf16", "f16": "fp16", "fp16": "fp16", "float16": "fp16", "f32": "bf16",
    "float32": "bf16", "f8_e4m3": "fp8", "f8_e5m2": "fp8", "float8_e4m3fn": "fp8", "i8": "int8", "int8": "int8",
}  # fmt: skip


@dataclass
class ServingEstimate:
    gpu: str
    gpu_name: str
    weights_format: str
    context_tokens: int
    weight_bytes: float  # bytes of the weights in `weights_format`
    kv_bytes_per_sequence: float  # bytes of KV cache for one sequence of context_tokens
    memory_capacity_bytes: int
    fits_one_gpu: bool  # weights + one sequence's KV cache within one GPU's memory
    decode_tokens_per_s: float  # roofline upper bound, batch 1


def weights_format(dtype: str | None, quantization: str | None) -> tuple[str, str | None]:
    """The estimator's weight format for a checkpoint, and a note when it is an approximation."""
    if quantization:
        q = quantization.lower()
        if "4-bit" in q or "q4" in q or "int4" in q:
            return "int4", f"{quantization} estimated as int4 (group-128 scales and zeros)."
        if "8-bit" in q or "q8" in q or "fp8" in q:
            return ("fp8" if "fp8" in q else "int8"), f"{quantization} estimated as 8-bit weights."
    fmt = _FORMATS.get((dtype or "bf16").lower())
    if fmt is None:
        return "bf16", f"Stored as {dtype}: estimated at bf16."
    if (dtype or "").lower() in ("f32", "float32"):
        return fmt, "Stored in fp32: served at bf16, as is usual."
    return fmt, None


def serving_estimates(
    config: dict, dtype: str | None, quantization: str | None, context_length: int | None, gpus=DEFAULT_GPUS
) -> tuple[list[ServingEstimate], list[str]]:
    """One estimate per GPU and the assumptions behind them (empty when the config cannot be estimated);
    CardError for a GPU the catalog does not know."""
    for gpu in gpus:
        try:
            get_accelerator(gpu)
        except UnknownAccelerator as error:
            raise CardError(str(error)) from None
    fmt, note = weights_format(dtype, quantization)
    context = min(CONTEXT_TOKENS, context_length) if context_length else CONTEXT_TOKENS
    rows: list[ServingEstimate] = []
    assumptions: list[str] = []
    for gpu in gpus:
        request = ThroughputRequest(config=config, gpu=gpu, weights=fmt, batch=1, context=context - 1, prompt=512)
        try:
            result = estimate_throughput(request, allow_local_files=False)
        except (ThroughputError, UnknownAccelerator, UnsupportedDtype) as error:
            return [], [f"No serving estimate: {error}"]
        memory, accelerator = result.memory, result.accelerator
        rows.append(
            ServingEstimate(
                gpu=accelerator["id"], gpu_name=accelerator["name"], weights_format=fmt, context_tokens=context,
                weight_bytes=memory["weights_bytes_per_gpu"], kv_bytes_per_sequence=memory["kv_bytes_per_gpu"],
                memory_capacity_bytes=memory["capacity_bytes_per_gpu"], fits_one_gpu=memory["fits"],
                decode_tokens_per_s=result.decode["tokens_per_s"],
            )
        )  # fmt: skip
        assumptions = result.assumptions
    if note:
        assumptions = [note, *assumptions]
    return rows, assumptions


def to_dicts(rows: list[ServingEstimate]) -> list[dict]:
    return [asdict(row) for row in rows]
