"""Per-head metrics of one layer's attention weights. Formulas and sources: docs/attention.md.

Every function takes the weights of one layer for one sequence, A[h, i, j] (query i, key j, rows summing to 1
unless the model has learned sink logits), and works head by head so that no more than one extra T×T temporary
exists at a time.
"""

import math
from dataclasses import dataclass, fields

import torch

SINK_EPSILON = 0.3  # Gu et al. 2024, "When Attention Sink Emerges in Language Models", ε in Sink_k^ε
SINK_MIN_QUERY_FRACTION = 0.25  # a key is a sink candidate only if at least this share of the queries may see it
SINK_UNIFORM_MULTIPLE = 2.0  # ... and only if its α_k is at least this multiple of what uniform attention gives it
FORBIDDEN_TOLERANCE = 1e-6  # attention mass where the mask forbids it, above which a layer is flagged


@dataclass
class SequencePatterns:
    """Index sets of one token sequence (self-attention: queries and keys are the same tokens).

    stripe: (i, j) with j = m + 1 for an earlier m < i holding the same token as i: "the token after my previous
    occurrence" (induction; Olsson et al. 2022; TransformerLens `induction` detection pattern).
    duplicate: (i, m) with m < i holding the same token as i (TransformerLens `duplicate_token`).
    """

    stripe_rows: torch.Tensor
    stripe_cols: torch.Tensor
    duplicate_rows: torch.Tensor
    duplicate_cols: torch.Tensor
    special_keys: torch.Tensor  # key positions holding the tokenizer's special tokens ([CLS], [SEP], BOS...)

    def to(self, device) -> "SequencePatterns":
        """The same index sets on `device` (where the weights they index are)."""
        return SequencePatterns(*(getattr(self, f.name).to(device) for f in fields(self)))


def sequence_patterns(token_ids: list[int], special_ids: set[int]) -> SequencePatterns:
    positions: dict[int, list[int]] = {}
    stripe_r, stripe_c, dup_r, dup_c = [], [], [], []
    for i, token in enumerate(token_ids):
        for m in positions.get(token, ()):
            dup_r.append(i)
            dup_c.append(m)
            if m + 1 < i:  # m + 1 == i is the query itself, already counted by `self`
                stripe_r.append(i)
                stripe_c.append(m + 1)
        positions.setdefault(token, []).append(i)
    special = [i for i, token in enumerate(token_ids) if token in special_ids]

    def t(values: list[int]) -> torch.Tensor:
        return torch.tensor(values, dtype=torch.long)

    return SequencePatterns(t(stripe_r), t(stripe_c), t(dup_r), t(dup_c), t(special))


def _pattern_score(a: torch.Tensor, rows: torch.Tensor, cols: torch.Tensor) -> float | None:
    """Mean over the queries that have at least one target of the mass they put on their targets; None if none."""
    if rows.numel() == 0:
        return None
    per_row = torch.zeros(a.shape[0], dtype=torch.float64, device=a.device).index_add_(0, rows, a[rows, cols].double())
    has_target = torch.zeros(a.shape[0], dtype=torch.bool, device=a.device)
    has_target[rows] = True
    return float(per_row[has_target].mean())


def _diagonal_mean(a: torch.Tensor, offset: int) -> float | None:
    d = torch.diagonal(a, offset=offset)
    return float(d.double().mean()) if d.numel() else None


@dataclass
class LayerGeometry:
    """What the mask of one layer fixes for all its heads: computed once per layer, not per head."""

    allowed: torch.Tensor  # [Tq, Tk] bool, the mask the model applied
    all_allowed: bool
    ineligible: torch.Tensor  # [Tq, Tk] bool, True where query i is not counted in α_k
    counts_all_allowed: bool  # the queries counted in α_k are exactly the allowed ones
    counts: torch.Tensor  # [Tk] queries counted in α_k (float64)
    candidate: torch.Tensor  # [Tk] bool, keys that may be sink tokens (before the α test)
    uniform: torch.Tensor  # [Tk] α_k under uniform attention over the allowed keys
    keys_seen: torch.Tensor  # [Tq] n_i, keys each query may see


ROWS_PER_BLOCK = 256  # mask reductions go a block of rows at a time: reducing a whole T × T bool mask at once
# makes an 8-byte-per-element copy of it first (CUDA upcasts bool to int64 for sum), 2.5× a float32 head


def _row_sums(mask: torch.Tensor) -> torch.Tensor:
    """Σ_j mask[i, j] for each row i (int64)."""
    return torch.cat([mask[i : i + ROWS_PER_BLOCK].sum(dim=1) for i in range(0, mask.shape[0], ROWS_PER_BLOCK)])


def _weighted_column_sums(mask: torch.Tensor, row_weights: torch.Tensor) -> torch.Tensor:
    """Σ_i row_weights[i] · mask[i, k] for each column k (float64)."""
    total = torch.zeros(mask.shape[1], dtype=torch.float64, device=mask.device)
    for i in range(0, mask.shape[0], ROWS_PER_BLOCK):
        total += row_weights[i : i + ROWS_PER_BLOCK] @ mask[i : i + ROWS_PER_BLOCK].double()
    return total


def layer_geometry(allowed: torch.Tensor, causal_queries: bool) -> LayerGeometry:
    """causal_queries: α_k averages over queries i ≥ k only (decoders) rather than every query allowed to see k."""
    tq, tk = allowed.shape
    eligible = allowed.tril() if causal_queries and tq == tk else allowed
    ones = torch.ones(tq, dtype=torch.float64, device=allowed.device)
    counts = _weighted_column_sums(eligible, ones)  # queries counted in each α_k (whole numbers, float64)
    keys_seen = _row_sums(allowed)
    uniform = _weighted_column_sums(eligible, 1.0 / keys_seen.clamp(min=1).double()) / counts.clamp(min=1)
    candidate = counts >= max(1, math.ceil(SINK_MIN_QUERY_FRACTION * tq))
    same = eligible is allowed or torch.equal(eligible, allowed)
    return LayerGeometry(allowed, bool(allowed.all()), ~eligible, same, counts, candidate, uniform, keys_seen)


def head_metrics(a: torch.Tensor, geometry: LayerGeometry, patterns: SequencePatterns | None) -> dict:
    """Metrics of one head. a: [Tq, Tk] float weights; geometry: its layer's mask and what follows from it;
    patterns: index sets of the sequence (None for cross-attention, whose queries and keys differ)."""
    a = a.float()
    tq, tk = a.shape
    g = geometry
    forbidden = 0.0 if g.all_allowed else float(a.masked_fill(g.allowed, 0).sum(dim=1).max())
    row_sums = a.sum(dim=1).double()
    # α_k's numerator: the column sum over the counted queries. When no mass sits where the mask forbids and the
    # counted queries are exactly the allowed ones, that is the plain column sum (one pass instead of two).
    counted = a if forbidden == 0.0 and g.counts_all_allowed else a.masked_fill(g.ineligible, 0)
    alpha = counted.sum(dim=0).double() / g.counts.clamp(min=1)
    sink = (alpha > SINK_EPSILON) & g.candidate & (alpha >= SINK_UNIFORM_MULTIPLE * g.uniform)
    sink_keys = sink.nonzero().flatten()
    rows = g.keys_seen > 1
    entropy_rows = -torch.special.xlogy(a, a).sum(dim=1).double()[rows] / g.keys_seen[rows].double().log()
    metrics = {
        "previous_token": _diagonal_mean(a, -1) if tq == tk else None,
        "self": _diagonal_mean(a, 0),
        "entropy": float(entropy_rows.mean()) if entropy_rows.numel() else None,
        "sink": float(alpha[0]),
        "sink_tokens": sink_keys.tolist(),
        "sink_alpha": [float(alpha[k]) for k in sink_keys],
        "missing_mass": float((1.0 - row_sums).clamp(min=0).mean()),
        "forbidden_mass": forbidden,
        "induction_text": None,
        "duplicate_token": None,
        "special_mass": None,
    }
    if patterns is not None:
        metrics["induction_text"] = _pattern_score(a, patterns.stripe_rows, patterns.stripe_cols)
        metrics["duplicate_token"] = _pattern_score(a, patterns.duplicate_rows, patterns.duplicate_cols)
        if patterns.special_keys.numel():
            metrics["special_mass"] = float(a[:, patterns.special_keys].sum(dim=1, dtype=torch.float64).mean())
    return metrics


def induction_scores(weights: torch.Tensor, patterns: SequencePatterns) -> list[float | None]:
    """Induction score of each head of one layer ([H, T, T]) on a sequence's stripe (the probe's, normally)."""
    return [_pattern_score(weights[h].float(), patterns.stripe_rows, patterns.stripe_cols) for h in range(len(weights))]


def thumbnail(weights: torch.Tensor, size: int) -> torch.Tensor:
    """[H, ≤size, ≤size] float32 max-pooled copy of [H, Tq, Tk] weights: the largest weight in each block, so thin
    stripes stay visible. Pooled in the weights' own dtype (a maximum is exact in any), so no float32 copy of the
    whole layer is made."""
    tq, tk = weights.shape[-2:]
    return torch.nn.functional.adaptive_max_pool2d(weights, (min(tq, size), min(tk, size))).float()
