"""VRAM calculator: per-GPU memory for training (parameters, gradients, optimizer state, activations, logits;
ZeRO/FSDP/TP/PP, LoRA/QLoRA) and for serving (weights, KV cache, prefill activations), with the peak and its phase.

    from roofline.vram import VramRequest, estimate_vram
    result = estimate_vram(VramRequest(model="meta-llama/Llama-3.1-8B", mode="train", batch=4, seq=4096))
    result.peak_bytes, result.fits, result.breakdown
"""

from roofline.vram.estimate import VramError, VramResult, estimate_vram
from roofline.vram.request import VramRequest

__all__ = ["VramError", "VramRequest", "VramResult", "estimate_vram"]
