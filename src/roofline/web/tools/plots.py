"""Small server-side SVG charts (log-log axes), so pages, article embeds and exports draw the same picture.

All text is escaped; the SVG carries a <title> and <desc> for screen readers, and colours come from CSS
variables so light and dark themes both work.
"""

import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 640, 380
MARGIN = {"left": 70, "right": 20, "top": 20, "bottom": 50}


@dataclass
class Series:
    label: str
    points: list[tuple[float, float]]
    css_class: str  # colour and dash come from site.css (.plot-line-1, .plot-point-2, ...)
    kind: str = "line"  # "line" or "points"


@dataclass
class Chart:
    title: str
    x_label: str
    y_label: str
    series: list[Series] = field(default_factory=list)
    description: str = ""
    id: str = "plot"  # unique on the page: the SVG's title and description ids derive from it


def _ticks(low: float, high: float) -> list[float]:
    return [10.0**e for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


def _tick_label(value: float) -> str:
    for factor, suffix in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return f"{value / factor:g}{suffix}"
    return f"{value:g}"


def _text(css: str, x: float, y: float, anchor: str, text: str) -> str:
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def log_log_svg(chart: Chart) -> str:
    """The chart as an inline SVG element with log-scaled axes."""
    xs = [x for s in chart.series for x, _ in s.points if x > 0]
    ys = [y for s in chart.series for _, y in s.points if y > 0]
    if not xs or not ys:
        return ""
    x_low, x_high = 10 ** math.floor(math.log10(min(xs))), 10 ** math.ceil(math.log10(max(xs)))
    y_low, y_high = 10 ** math.floor(math.log10(min(ys))), 10 ** math.ceil(math.log10(max(ys)))
    plot_w = WIDTH - MARGIN["left"] - MARGIN["right"]
    plot_h = HEIGHT - MARGIN["top"] - MARGIN["bottom"]

    def sx(x: float) -> float:
        return MARGIN["left"] + plot_w * (math.log10(x) - math.log10(x_low)) / (math.log10(x_high / x_low) or 1)

    def sy(y: float) -> float:
        return MARGIN["top"] + plot_h * (1 - (math.log10(y) - math.log10(y_low)) / (math.log10(y_high / y_low) or 1))

    ident = escape(chart.id)
    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
    ]
    top, bottom, left, right = MARGIN["top"], MARGIN["top"] + plot_h, MARGIN["left"], MARGIN["left"] + plot_w
    for x in _ticks(x_low, x_high):
        parts.append(f'<line class="plot-grid" x1="{sx(x):.1f}" x2="{sx(x):.1f}" y1="{top}" y2="{bottom}"/>')
        parts.append(_text("plot-tick", sx(x), HEIGHT - 30, "middle", _tick_label(x)))
    for y in _ticks(y_low, y_high):
        parts.append(f'<line class="plot-grid" x1="{left}" x2="{right}" y1="{sy(y):.1f}" y2="{sy(y):.1f}"/>')
        parts.append(_text("plot-tick", left - 8, sy(y) + 4, "end", _tick_label(y)))
    parts.append(_text("plot-label", (left + right) / 2, HEIGHT - 8, "middle", chart.x_label))
    parts.append(
        f'<text class="plot-label" transform="rotate(-90)" x="{-(top + bottom) / 2:.1f}" y="16" '
        f'text-anchor="middle">{escape(chart.y_label)}</text>'
    )
    for series in chart.series:
        kept = [(x, y) for x, y in series.points if x > 0 and y > 0]
        css = escape(series.css_class)
        if series.kind == "line":
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in kept)
            title = escape(series.label)
            parts.append(f'<polyline class="{css}" fill="none" points="{path}"><title>{title}</title></polyline>')
        else:
            for x, y in kept:
                label = escape(f"{series.label}: {_tick_label(x)}, {_tick_label(y)}")
                circle = f'<circle class="{css}" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="6">'
                parts.append(f"{circle}<title>{label}</title></circle>")
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="legend-swatch {escape(s.css_class)}"></span>{escape(s.label)}</li>' for s in chart.series
    )
    return f'<figure class="chart">{"".join(parts)}<figcaption><ul class="legend">{legend}</ul></figcaption></figure>'


@dataclass
class Segment:
    label: str
    value: float
    css_class: str  # fill colour from site.css (.plot-seg-1, ...)


def stacked_bar_svg(
    title: str,
    segments: list[Segment],
    limit: float,
    limit_label: str,
    value_label,
    id: str = "bar",
    description: str = "",
) -> str:
    """One horizontal bar of `segments` stacked left to right against a vertical `limit` line (a capacity);
    `value_label(x)` formats values for ticks and tooltips. The axis spans the larger of the total and the limit."""
    total = sum(s.value for s in segments)
    span = max(total, limit) * 1.05 or 1.0
    left, right, top, bar_h = 20, WIDTH - 20, 40, 60
    height = top + bar_h + 60

    def sx(x: float) -> float:
        return left + (right - left) * x / span

    ident = escape(id)
    parts = [
        f'<svg class="plot" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    x = 0.0
    for segment in segments:
        if segment.value <= 0:
            continue
        width = sx(x + segment.value) - sx(x)
        label = escape(f"{segment.label}: {value_label(segment.value)}")
        parts.append(
            f'<rect class="{escape(segment.css_class)}" x="{sx(x):.1f}" y="{top}" width="{width:.1f}" '
            f'height="{bar_h}"><title>{label}</title></rect>'
        )
        x += segment.value
    for tick in (0.0, span / 4, span / 2, 3 * span / 4):
        parts.append(_text("plot-tick", sx(tick), top + bar_h + 20, "middle", value_label(tick)))
    parts.append(f'<line class="plot-limit" x1="{sx(limit):.1f}" x2="{sx(limit):.1f}" y1="{top - 15}" '
                 f'y2="{top + bar_h + 5}"/>')  # fmt: skip
    parts.append(_text("plot-label", sx(limit), top - 20, "middle", f"{limit_label} {value_label(limit)}"))
    parts.append(_text("plot-label", sx(total), top + bar_h + 45, "middle", f"total {value_label(total)}"))
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="legend-swatch {escape(s.css_class)}"></span>{escape(s.label)} {escape(value_label(s.value))}'
        "</li>"
        for s in segments if s.value > 0
    )  # fmt: skip
    return f'<figure class="chart">{"".join(parts)}<figcaption><ul class="legend">{legend}</ul></figcaption></figure>'
