"""Results in other forms: flat CSV rows, and one (size, value) series per implementation for plots."""

import csv
import io

from roofline.units import seconds

CSV_COLUMNS = (
    "kernel", "shape_label", "size", "dtype", "impl", "family", "status", "reason", "median_s", "q1_s", "q3_s",
    "iqr_s", "min_s", "samples", "method", "l2", "host_s", "launch_bound", "tflops_per_s", "gb_per_s",
    "roofline_fraction", "bound", "speedup", "flops", "bytes", "max_abs_error", "max_rel_error", "device_name",
)  # fmt: skip


def launch_note(row: dict) -> str | None:
    """The note on a timed result whose host time to enqueue one call exceeds its device time (seconds), e.g.
    "launch-bound: host 29.6 µs per call > device 9.95 µs"; None for any other result."""
    timing = row.get("timing") or {}
    if row.get("status") != "ok" or not timing.get("launch_bound") or timing.get("host_s") is None:
        return None
    return f"launch-bound: host {seconds(timing['host_s'])} per call > device {seconds(timing['median_s'])}"


def csv_rows(results: dict) -> list[dict]:
    rows = []
    for row in results["results"]:
        timing, correctness = row.get("timing") or {}, row.get("correctness") or {}
        flat = {**row, **timing, **{k: correctness.get(k) for k in ("max_abs_error", "max_rel_error")}}
        flat["device_name"] = results["environment"]["device_name"]
        rows.append({column: flat.get(column) for column in CSV_COLUMNS})
    return rows


def to_csv(results: dict) -> str:
    """One line per (shape, dtype, implementation); empty cells where a result has no such figure."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(results))
    return buffer.getvalue()


def series_by_impl(results: dict, metric: str = "median_s", dtype: str | None = None) -> dict[str, list]:
    """impl -> [(size, value), ...] sorted by size, for timed results (metric: median_s or roofline_fraction;
    `dtype` picks one dtype, default the first in the results)."""
    rows = [r for r in results["results"] if r["status"] == "ok"]
    if dtype is None and rows:
        dtype = rows[0]["dtype"]
    series: dict[str, list] = {}
    for row in rows:
        if row["dtype"] != dtype:
            continue
        value = row["timing"]["median_s"] if metric == "median_s" else row.get(metric)
        if value is not None:
            series.setdefault(row["impl"], []).append((row["size"], value))
    return {impl: sorted(points) for impl, points in series.items()}
