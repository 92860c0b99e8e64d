"""Server-side SVG bar charts for scorecards: rates with their 95 % intervals, and latency percentiles."""

from html import escape

WIDTH = 640
ROW_H, BAR_GAP, LEFT, RIGHT, TOP, BOTTOM = 22, 10, 230, 70, 16, 34


def bar_chart(ident: str, title: str, categories: list[str], series: list[tuple[str, list]], unit: str,
              fixed_max: float | None = None) -> str:  # fmt: skip
    """Horizontal grouped bars; each value is (value, ci_low, ci_high) or None (drawn as "n/a")."""
    values = [v for _, vals in series for v in vals if v is not None]
    if not values:
        return ""
    top_value = fixed_max or max(max(v[2] if v[2] is not None else v[0] for v in values), 1e-12) * 1.1
    group_h = ROW_H * len(series) + BAR_GAP
    height = TOP + group_h * len(categories) + BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def sx(value: float) -> float:
        return LEFT + plot_w * min(max(value, 0.0), top_value) / top_value

    description = "; ".join(
        f"{cat}, {label}: " + ("n/a" if vals[i] is None else _describe(vals[i], unit))
        for i, cat in enumerate(categories) for label, vals in series
    )  # fmt: skip
    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    for k in range(5):
        x = LEFT + plot_w * k / 4
        parts.append(f'<line class="plot-grid" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{height - BOTTOM}"/>')
        parts.append(f'<text class="plot-tick" x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="middle">'
                     f"{escape(_number(top_value * k / 4))}</text>")  # fmt: skip
    parts.append(f'<text class="plot-label" x="{LEFT + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
                 f"{escape(unit)}</text>")  # fmt: skip
    for i, category in enumerate(categories):
        y0 = TOP + i * group_h
        parts.append(f'<text class="plot-tick" x="{LEFT - 8}" y="{y0 + group_h / 2:.1f}" text-anchor="end">'
                     f"{escape(category)}</text>")  # fmt: skip
        for j, (label, vals) in enumerate(series):
            y = y0 + j * ROW_H
            v = vals[i]
            if v is None:
                parts.append(f'<text class="plot-tick" x="{LEFT + 4}" y="{y + 15}">n/a</text>')
                continue
            value, low, high = v
            tip = escape(f"{label}: {_describe(v, unit)}")
            parts.append(f'<rect class="eval-bar-{j % 4 + 1}" x="{LEFT}" y="{y + 3}" width="{sx(value) - LEFT:.1f}" '
                         f'height="{ROW_H - 6}"><title>{tip}</title></rect>')  # fmt: skip
            if low is not None and high is not None:
                mid = y + ROW_H / 2
                parts.append(f'<line class="eval-whisker" x1="{sx(low):.1f}" x2="{sx(high):.1f}" y1="{mid}" '
                             f'y2="{mid}"/>')  # fmt: skip
            parts.append(f'<text class="plot-tick" x="{sx(high if high is not None else value) + 4:.1f}" '
                         f'y="{y + 15}">{escape(_number(value))}</text>')  # fmt: skip
    parts.append("</svg>")
    legend = "".join(f'<li><span class="legend-swatch eval-swatch-{j % 4 + 1}"></span>{escape(label)}</li>'
                     for j, (label, _) in enumerate(series))  # fmt: skip
    caption = f'<figcaption><strong>{escape(title)}</strong><ul class="legend">{legend}</ul></figcaption>'
    return f'<figure class="chart">{"".join(parts)}{caption}</figure>'


def _number(value: float) -> str:
    return f"{value:.3g}"


def _describe(v: tuple, unit: str) -> str:
    value, low, high = v
    interval = f" (95 % CI {_number(low)}–{_number(high)})" if low is not None and high is not None else ""
    return f"{_number(value)} {unit}{interval}"


def rate_rows(cards: list[dict]) -> tuple[list[str], list[list]]:
    """Categories "suite: metric" for every rate metric in any card, and per card its (value, low, high)."""
    categories: list[str] = []
    for card in cards:
        for suite in card["suites"]:
            for m in suite["metrics"]:
                label = f"{suite['name']}: {m['name']}"
                if m.get("interval") == "wilson95" and label not in categories:
                    categories.append(label)
    per_card = []
    for card in cards:
        found = {f"{s['name']}: {m['name']}": (m["value"], m["ci_low"], m["ci_high"])
                 for s in card["suites"] for m in s["metrics"]}  # fmt: skip
        per_card.append([found.get(c) for c in categories])
    return categories, per_card


def quality_chart(cards: list[dict], labels: list[str], ident: str = "eval-quality") -> str:
    categories, per_card = rate_rows(cards)
    return bar_chart(ident, "Rates with 95 % Wilson intervals", categories, list(zip(labels, per_card, strict=True)),
                     "fraction", fixed_max=1.0)  # fmt: skip


def latency_chart(cards: list[dict], labels: list[str], field: str, ident: str) -> str:
    names = {"ttft_s": "Time to first token", "e2e_s": "End-to-end latency", "tpot_s": "Time per output token"}
    stats = ("p50", "p90", "p95", "p99")
    series = [(label, [(card["latency"][field][s], None, None) if card["latency"][field][s] is not None else None
                       for s in stats]) for card, label in zip(cards, labels, strict=True)]  # fmt: skip
    return bar_chart(ident, f"{names[field]} percentiles", list(stats), series, "seconds")
