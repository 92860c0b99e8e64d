"""The mask a model applied in one attention layer, recovered from the mask tensor it was given, and described in
words (bidirectional, causal, sliding window, padding)."""

from dataclasses import dataclass, field

import torch


@dataclass
class MaskInfo:
    """`kind`: "none" (every query sees every key), "causal", "sliding" (causal band of `window` keys), or
    "custom"; `padded_keys`: key positions no query may see."""

    kind: str
    window: int | None = None
    padded_keys: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "window": self.window, "padded_keys": self.padded_keys}


def allowed_keys(mask, tq: int, tk: int) -> torch.Tensor:
    """[Tq, Tk] bool: True where the mask lets query i see key j. `mask` is the module's attention_mask kwarg: None,
    a bool tensor (True = allowed) or an additive float tensor (dtype min or -inf = forbidden), [B, 1|H, Tq, ≥Tk]."""
    if mask is None:
        return torch.ones(tq, tk, dtype=torch.bool)
    m = mask[0, 0] if mask.dim() == 4 else mask[0] if mask.dim() == 3 else mask
    m = m[-tq:, :tk].to("cpu")
    if m.dtype == torch.bool:
        return m.clone()
    return m > torch.finfo(m.dtype).min / 2


def describe_mask(allowed: torch.Tensor) -> MaskInfo:
    """Name the pattern of an [Tq, Tk] allowed-mask (square for self-attention)."""
    tq, tk = allowed.shape
    padded = (~allowed).all(dim=0).nonzero().flatten().tolist()
    live = allowed.clone()
    live[:, padded] = True  # judge the pattern with padding taken out
    if bool(live.all()):
        return MaskInfo("none", padded_keys=padded)
    if tq == tk:
        lower = torch.ones(tq, tk, dtype=torch.bool).tril()
        if torch.equal(live, lower | _padding_columns(padded, tq, tk)):
            return MaskInfo("causal", padded_keys=padded)
        window = int(live.sum(dim=1).max())
        band = lower & ~torch.ones(tq, tk, dtype=torch.bool).tril(-window)
        if torch.equal(live, band | _padding_columns(padded, tq, tk)):
            return MaskInfo("sliding", window=window, padded_keys=padded)
    return MaskInfo("custom", padded_keys=padded)


def _padding_columns(padded: list[int], tq: int, tk: int) -> torch.Tensor:
    columns = torch.zeros(tq, tk, dtype=torch.bool)
    columns[:, padded] = True
    return columns
