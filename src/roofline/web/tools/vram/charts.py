"""The VRAM breakdown as a stacked bar against the accelerator's memory."""

from roofline.units import binary
from roofline.web.tools.plots import Segment, stacked_bar_svg

LABELS = {
    "parameters": "parameters", "gradients": "gradients", "optimizer": "optimizer state",
    "activations": "activations", "logits": "logits and loss", "kv_cache": "KV cache", "overhead": "runtime overhead",
}  # fmt: skip


def breakdown_bar(result: dict, ident: str = "vram-bar") -> str:
    segments = [
        Segment(LABELS[name], value, f"plot-seg-{index}")
        for index, (name, value) in enumerate(result["breakdown"].items(), start=1)
    ]
    verdict = "fits" if result["fits"] else "does not fit"
    return stacked_bar_svg(
        f"Per-GPU memory at the peak ({result['peak_phase']})", segments, result["capacity_bytes"],
        result["accelerator"]["name"], binary, id=ident,
        description=f"Peak {binary(result['peak_bytes'])} against {binary(result['capacity_bytes'])}: {verdict}.",
    )  # fmt: skip
