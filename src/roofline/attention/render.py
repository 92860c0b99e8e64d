"""The grid as an image: for each stack, every head's thumbnail in a layers × heads mosaic beside a heatmap of one
metric (matplotlib, Agg backend). Works from `AttentionResult.to_dict()` so any saved result can be drawn."""

import base64
from pathlib import Path

import numpy as np

GRID_METRICS = ("induction", "previous_token", "duplicate_token", "self", "sink", "entropy", "induction_text")


def thumbnail_array(thumb: dict) -> np.ndarray:
    """A head's thumbnail as [rows, cols] floats in 0..1 (1 = that head's largest weight)."""
    raw = np.frombuffer(base64.b64decode(thumb["data"]), dtype=np.uint8)
    return raw.reshape(thumb["rows"], thumb["cols"]).astype(np.float32) / 255.0


def _mosaic(heads: list[dict], layers: int, per_layer: int, size: int) -> np.ndarray:
    """[layers·(size+1), heads·(size+1)] image; each thumbnail stretched to size × size, 1-pixel gaps (NaN)."""
    image = np.full((layers * (size + 1), per_layer * (size + 1)), np.nan, dtype=np.float32)
    for head in heads:
        thumb = thumbnail_array(head["thumbnail"])
        rows = np.linspace(0, thumb.shape[0] - 1, size).round().astype(int)
        cols = np.linspace(0, thumb.shape[1] - 1, size).round().astype(int)
        top, left = head["layer"] * (size + 1), head["head"] * (size + 1)
        image[top : top + size, left : left + size] = thumb[np.ix_(rows, cols)]
    return image


def grid_png(data: dict, path: Path | str, metric: str = "induction") -> Path:
    """Write the grid of `data` (an AttentionResult.to_dict()) to a PNG file and return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stacks = data["stacks"]
    figure, axes = plt.subplots(
        len(stacks), 2, squeeze=False, figsize=(12, 0.5 + 4.5 * len(stacks)), constrained_layout=True
    )
    for (mosaic_ax, metric_ax), stack in zip(axes, stacks, strict=True):
        heads = [h for h in data["heads"] if h["stack"] == stack["name"]]
        size = max(8, min(32, 480 // max(stack["heads"], stack["layers"])))
        mosaic_ax.imshow(_mosaic(heads, stack["layers"], stack["heads"], size), cmap="magma", vmin=0, vmax=1)
        mosaic_ax.set_title(f"{stack['name']}: attention per head (each scaled to its max)")
        values = np.full((stack["layers"], stack["heads"]), np.nan)
        for head in heads:
            if head.get(metric) is not None:
                values[head["layer"], head["head"]] = head[metric]
        shown = metric_ax.imshow(values, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        metric_ax.set_title(f"{stack['name']}: {metric}")
        figure.colorbar(shown, ax=metric_ax, shrink=0.8)
        for ax, step in ((mosaic_ax, size + 1), (metric_ax, 1)):
            ax.set_xlabel("head")
            ax.set_ylabel("layer")
            offset = (size - 1) / 2 if ax is mosaic_ax else 0
            ax.set_xticks([h * step + offset for h in range(stack["heads"])], range(stack["heads"]))
            ax.set_yticks([layer * step + offset for layer in range(stack["layers"])], range(stack["layers"]))
            ax.tick_params(labelsize=7)
    figure.suptitle(f"{data['model']['id']}: {len(data['tokens'])} tokens")
    path = Path(path)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
