"""The inspector's result: plain data, one object per head."""

import base64
from dataclasses import dataclass, field

import torch

from roofline.attention.labels import LABELS, label_score

TOP_HEADS = 5


def encode_thumbnail(pooled: torch.Tensor) -> dict:
    """A [rows, cols] thumbnail as base64 bytes (row-major uint8, 255 = the thumbnail's largest weight `max`)."""
    peak = float(pooled.max())
    scaled = (pooled / peak * 255).round().to(torch.uint8) if peak > 0 else torch.zeros_like(pooled, dtype=torch.uint8)
    return {
        "rows": pooled.shape[0], "cols": pooled.shape[1], "max": peak,
        "data": base64.b64encode(scaled.numpy().tobytes()).decode("ascii"),
    }  # fmt: skip


@dataclass
class HeadMatrix:
    """One head's weights: the full [Tq, Tk] matrix, or (pooled) its max-pooled copy with `rows` × `cols` bins."""

    stack: str
    layer: int
    head: int
    values: torch.Tensor
    pooled: bool

    def to_dict(self) -> dict:
        return {
            "stack": self.stack, "layer": self.layer, "head": self.head, "pooled": self.pooled,
            "rows": self.values.shape[0], "cols": self.values.shape[1], "values": self.values.tolist(),
        }  # fmt: skip


@dataclass
class AttentionResult:
    request: dict
    model: dict
    tokens: list[str]
    token_ids: list[int]
    decoder_tokens: list[str] | None
    decoder_token_ids: list[int] | None
    probe: dict
    stacks: list[dict]
    layers: list[dict]
    heads: list[dict]
    matrices: list[HeadMatrix] = field(default_factory=list)
    thresholds: dict = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def head(self, layer: int, head: int, stack: str | None = None) -> dict:
        stack = stack or self.stacks[0]["name"]
        for item in self.heads:
            if (item["stack"], item["layer"], item["head"]) == (stack, layer, head):
                return item
        raise KeyError(f"no head {stack} layer {layer} head {head}")

    def top_heads(self, per_label: int = TOP_HEADS) -> dict[str, list[dict]]:
        """For each label, its heads ranked by the label's metric, best first."""
        top = {}
        for label in LABELS:
            ranked = sorted((h for h in self.heads if label in h["labels"]), key=lambda h: -label_score(h, label))
            top[label] = [
                {"stack": h["stack"], "layer": h["layer"], "head": h["head"], "score": label_score(h, label)}
                for h in ranked[:per_label]
            ]
        return top

    @property
    def flagged_layers(self) -> list[dict]:
        """Layers with attention mass where their own mask forbids it."""
        return [layer for layer in self.layers if not layer["mask_ok"]]

    def to_dict(self, matrices: bool = True) -> dict:
        """Plain data; `matrices=False` leaves out the matrices (a caller that stores them elsewhere)."""
        return {
            "request": self.request, "model": self.model, "tokens": self.tokens, "token_ids": self.token_ids,
            "decoder_tokens": self.decoder_tokens, "decoder_token_ids": self.decoder_token_ids, "probe": self.probe,
            "stacks": self.stacks, "layers": self.layers, "heads": self.heads, "top_heads": self.top_heads(),
            "matrices": [m.to_dict() for m in self.matrices] if matrices else [], "thresholds": self.thresholds,
            "assumptions": self.assumptions, "sources": self.sources, "seconds": self.seconds,
        }  # fmt: skip
