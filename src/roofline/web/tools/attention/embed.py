"""```roofline:attention blocks in articles: a small model's layers × heads grid (each head's pattern, coloured by a
metric), rendered once when the article is saved, with a link that reruns it in the tool. The block holds the
request JSON, plus an optional "metric" (default "induction")."""

import hashlib
import json

import numpy as np
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import escape

from roofline.attention import AttentionError
from roofline.web.markdown.embeds import EmbedError, register_embed, tool_link
from roofline.web.tools.attention.policy import offered_models, site_request

EMBED_MAX_TOKENS = 256
EMBED_MAX_HEADS = 512
CELL = 40  # px per head in the SVG
PIXELS = 8  # thumbnail pixels per side in the SVG


def _colour(value: float | None) -> str:
    if value is None:
        return "#bbb"
    import matplotlib

    r, g, b, _ = matplotlib.colormaps["viridis"](max(0.0, min(1.0, value)))
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def grid_svg(data: dict, metric: str) -> str:
    """One SVG per stack: a square per head, its border coloured by `metric`, its pattern as 8 × 8 grey cells."""
    from roofline.attention.render import thumbnail_array

    parts = []
    for stack in data["stacks"]:
        width, height = 30 + stack["heads"] * CELL, 20 + stack["layers"] * CELL
        shapes = [f'<text x="0" y="12" font-size="10">{escape(stack["name"])}: {escape(metric)}</text>']
        for head in (h for h in data["heads"] if h["stack"] == stack["name"]):
            x, y = 30 + head["head"] * CELL, 20 + head["layer"] * CELL
            value = head.get(metric)
            shapes.append(
                f'<rect x="{x}" y="{y}" width="{CELL - 4}" height="{CELL - 4}" fill="#111" stroke="{_colour(value)}" '
                f'stroke-width="4"><title>layer {head["layer"]} head {head["head"]}: {escape(metric)} '
                f"{'–' if value is None else f'{value:.3f}'} {escape(', '.join(head['labels']))}</title></rect>"
            )
            thumb = thumbnail_array(head["thumbnail"])
            rows = np.array_split(np.arange(thumb.shape[0]), min(PIXELS, thumb.shape[0]))
            cols = np.array_split(np.arange(thumb.shape[1]), min(PIXELS, thumb.shape[1]))
            step = (CELL - 8) / max(len(rows), len(cols))
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    level = float(thumb[np.ix_(r, c)].max())
                    if level >= 0.1:
                        shapes.append(
                            f'<rect x="{x + 2 + j * step:.1f}" y="{y + 2 + i * step:.1f}" width="{step:.1f}" '
                            f'height="{step:.1f}" fill="#fff" fill-opacity="{level:.2f}"/>'
                        )
        for layer in range(stack["layers"]):
            shapes.append(f'<text x="0" y="{20 + layer * CELL + CELL / 2}" font-size="10">L{layer}</text>')
        parts.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'role="img" aria-label="{escape(stack["name"])} attention heads">{"".join(shapes)}</svg>'
        )
    return "".join(parts)


@register_embed("attention")
def render_attention(block: dict) -> str:
    block = dict(block)
    metric = block.pop("metric", "induction")
    try:
        request = site_request(block)
    except AttentionError as error:
        raise EmbedError(str(error)) from None
    if request.model not in offered_models():
        raise EmbedError("articles embed only this site's own models")
    request = request.model_copy(update={"max_tokens": min(request.max_tokens, EMBED_MAX_TOKENS), "detail_size": 0})
    key = "attention-embed-" + hashlib.sha256(request.model_dump_json().encode()).hexdigest()
    data = cache.get(key)
    if data is None:
        from roofline.web.tools.attention.jobs import model_cache

        try:
            loaded = model_cache().get(request.model, dtype=request.dtype, device="cpu", revision=request.revision)
            if loaded.parameter_bytes > 2**30:
                raise EmbedError("articles embed models under 1 GiB of weights; link to the tool for larger ones")
            from roofline.attention import inspect_attention

            data = inspect_attention(request, loaded=loaded).to_dict(matrices=False)
        except AttentionError as error:
            raise EmbedError(str(error)) from None
        if sum(s["layers"] * s["heads"] for s in data["stacks"]) > EMBED_MAX_HEADS:
            raise EmbedError(f"articles embed models with at most {EMBED_MAX_HEADS} heads")
        cache.set(key, data, 24 * 3600)
    context = {
        "data": data, "metric": metric, "svg": grid_svg(data, metric),
        "open_url": tool_link("attention", json.loads(request.model_dump_json(include={"model", "text", "probe"}))),
        "top": {label: rows[:3] for label, rows in data["top_heads"].items() if rows},
    }  # fmt: skip
    return render_to_string("tools/attention/_embed.html", context)
