"""Head labels from metric thresholds (docs/attention.md says why each threshold is where it is)."""

from roofline.attention.metrics import SINK_EPSILON

# label: (metric, threshold). A head gets every label whose metric reaches its threshold; "broad" only if no other.
THRESHOLDS: dict[str, tuple[str, float]] = {
    "induction": ("induction", 0.4),
    "previous-token": ("previous_token", 0.4),
    "duplicate-token": ("duplicate_token", 0.4),
    "self": ("self", 0.4),
    "sink": ("sink_max_alpha", SINK_EPSILON),
    "broad": ("entropy", 0.9),
}
LABELS = tuple(THRESHOLDS)  # also the order of precedence for a head's main label


def head_labels(metrics: dict) -> list[str]:
    """The labels a head's metrics earn, most specific first."""
    values = dict(metrics, sink_max_alpha=max(metrics["sink_alpha"], default=None))
    labels = [
        label for label, (name, threshold) in THRESHOLDS.items()
        if label != "broad" and values.get(name) is not None and values[name] >= threshold
    ]  # fmt: skip
    if not labels and values.get("entropy") is not None and values["entropy"] >= THRESHOLDS["broad"][1]:
        labels.append("broad")
    return labels


def label_score(head: dict, label: str) -> float:
    """The metric value that ranks heads within a label."""
    name = THRESHOLDS[label][0]
    return max(head["sink_alpha"], default=0.0) if name == "sink_max_alpha" else head[name] or 0.0
