"""The results browser's pictures: median time and % of roofline against problem size, one line per
implementation (server-side SVG, roofline.web.tools.plots)."""

from roofline.kernels.export import series_by_impl
from roofline.web.tools.plots import Chart, Series, log_log_svg

LINE_CLASSES = 6  # kernels.css styles .kernels-line-1 … -6


def impl_chart(results: dict, metric: str, ident: str, dtype: str | None = None) -> str:
    """`metric` is "median_s" (time per call) or "roofline_fraction"; "" when nothing was timed."""
    series = series_by_impl(results, metric, dtype)
    if not series:
        return ""
    shown_dtype = dtype or next(r["dtype"] for r in results["results"] if r["status"] == "ok")
    scale = 100.0 if metric == "roofline_fraction" else 1.0
    name = results["kernel"]["name"]
    device = results["environment"]["device_name"]
    chart = Chart(
        title=f"{name} {shown_dtype} on {device}: "
        + ("median time per call" if metric == "median_s" else "% of roofline"),
        x_label=f"problem size (elements of {' × '.join(results['kernel']['dims'])})",
        y_label="median time per call (s)" if metric == "median_s" else "% of roofline",
        id=ident,
        description="; ".join(
            f"{impl}: " + ", ".join(f"{x:g} → {y * scale:.3g}" for x, y in points) for impl, points in series.items()
        ),
        series=[
            Series(impl, [(x, y * scale) for x, y in points], f"kernels-line-{i % LINE_CLASSES + 1}")
            for i, (impl, points) in enumerate(series.items())
        ],
    )
    return log_log_svg(chart)
