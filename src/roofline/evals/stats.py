"""Confidence intervals and distribution summaries (docs/evals.md, "Statistics")."""

import math

import numpy as np

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
BOOTSTRAP_RESAMPLES = 2000


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial rate (Wilson 1927; Brown, Cai & DasGupta 2001)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def bootstrap_mean_interval(
    values: list[float], seed: int, resamples: int = BOOTSTRAP_RESAMPLES
) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the mean (Efron & Tibshirani 1993), seeded so reruns agree."""
    if not values:
        return (math.nan, math.nan)
    data = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), size=(resamples, len(data)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return (float(low), float(high))


def rate_metric(name: str, successes: int, n: int) -> dict:
    """A rate with its Wilson interval and binomial standard error sqrt(p(1-p)/n)."""
    value = successes / n if n else math.nan
    low, high = wilson_interval(successes, n)
    stderr = math.sqrt(value * (1 - value) / n) if n else None
    return {"name": name, "value": value, "ci_low": low, "ci_high": high, "n": n, "stderr": stderr,
            "successes": successes, "interval": "wilson95"}  # fmt: skip


def mean_metric(name: str, values: list[float], seed: int) -> dict:
    """A mean with its bootstrap interval and standard error s/sqrt(n)."""
    n = len(values)
    value = float(np.mean(values)) if n else math.nan
    low, high = bootstrap_mean_interval(values, seed)
    stderr = float(np.std(values, ddof=1) / math.sqrt(n)) if n > 1 else None
    return {"name": name, "value": value, "ci_low": low, "ci_high": high, "n": n, "stderr": stderr,
            "interval": "bootstrap95"}  # fmt: skip


def summarize(values: list[float]) -> dict:
    """count, mean, p50, p90, p95, p99 (linear interpolation between order statistics, numpy's default)."""
    if not values:
        return {"count": 0, "mean": None, "p50": None, "p90": None, "p95": None, "p99": None}
    data = np.asarray(values, dtype=float)
    p50, p90, p95, p99 = np.percentile(data, [50, 90, 95, 99])
    return {"count": len(values), "mean": float(data.mean()), "p50": float(p50), "p90": float(p90),
            "p95": float(p95), "p99": float(p99)}  # fmt: skip
