"""An independent reference: the metrics written out with numpy loops over a plain output_attentions tensor."""

import numpy as np


def reference_metrics(a: np.ndarray, tokens: list[int] | None, causal: bool) -> dict:
    """a: [Tq, Tk] weights of one head. Follows docs/attention.md term by term."""
    a = a.astype(np.float64)
    tq, tk = a.shape
    alpha0 = np.mean([a[i, 0] for i in range(tq)])  # every query i ≥ 0 sees key 0
    seen = [(i + 1 if causal else tk) for i in range(tq)]
    entropy = [
        -sum(p * np.log(p) for p in a[i, : seen[i]] if p > 0) / np.log(seen[i]) for i in range(tq) if seen[i] > 1
    ]
    out = {
        "self": np.mean([a[i, i] for i in range(min(tq, tk))]),
        "previous_token": np.mean([a[i, i - 1] for i in range(1, tq)]) if tq == tk else None,
        "sink": alpha0,
        "entropy": np.mean(entropy),
        "missing_mass": np.mean([max(0.0, 1 - a[i].sum()) for i in range(tq)]),
        "forbidden_mass": max((a[i, i + 1 :].sum() for i in range(tq)), default=0.0) if causal else 0.0,
    }
    if tokens is not None:
        out["induction_text"] = _pattern(a, tokens, stripe=True)
        out["duplicate_token"] = _pattern(a, tokens, stripe=False)
    return out


def _pattern(a: np.ndarray, tokens: list[int], stripe: bool) -> float | None:
    scores = []
    for i, token in enumerate(tokens):
        earlier = [m for m in range(i) if tokens[m] == token]
        targets = [m + 1 for m in earlier if m + 1 < i] if stripe else earlier
        if targets:
            scores.append(sum(a[i, j] for j in targets))
    return float(np.mean(scores)) if scores else None


def alpha(a: np.ndarray, causal: bool) -> np.ndarray:
    """α_k = mean attention that the queries allowed to see k (i ≥ k when causal) give key k."""
    tq, tk = a.shape
    return np.array([np.mean([a[i, k] for i in range(tq) if (i >= k or not causal)]) for k in range(tk)])
