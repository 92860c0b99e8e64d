"""The estimator's two pictures: the roofline with the operating points, and the batch sweep."""

import numpy as np

from roofline.web.tools.plots import Chart, Series, log_log_svg


def roofline_chart(result: dict, ident: str = "roofline") -> str:
    """Attainable FLOP/s against arithmetic intensity on one GPU, with decode and prefill marked."""
    accelerator = result["accelerator"]
    peak, bandwidth = accelerator["peak_flops_per_s"], accelerator["memory_bandwidth_bytes_per_s"]
    gpus = result["request"].get("gpus", 1)
    decode, prefill = result["decode"], result["prefill"]
    points = [decode["intensity_flops_per_byte"], prefill["intensity_flops_per_byte"], peak / bandwidth]
    intensities = np.geomspace(max(min(points) / 10, 0.01), max(points) * 10, 60)
    ceiling = [(float(i), float(min(peak, bandwidth * i))) for i in intensities]
    attained = [
        ("decode", decode["intensity_flops_per_byte"], decode["flops_per_step"] / decode["seconds_per_step"] / gpus),
        ("prefill", prefill["intensity_flops_per_byte"], prefill["flops"] / prefill["seconds"] / gpus),
    ]
    chart = Chart(
        title=f"Roofline of {accelerator['name']} at {accelerator['compute_dtype']}",
        x_label="arithmetic intensity (FLOP/byte)",
        y_label="attainable FLOP/s per GPU",
        id=ident,
        description=(
            f"Ceiling min(peak {peak:.3g} FLOP/s, bandwidth {bandwidth:.3g} B/s × intensity); ridge point at "
            f"{peak / bandwidth:.3g} FLOP/byte. "
            + "; ".join(f"{name}: {i:.3g} FLOP/byte, {f:.3g} FLOP/s" for name, i, f in attained)
        ),
        series=[
            Series("roofline ceiling", ceiling, "plot-line-1"),
            Series(f"decode (batch {decode['batch']})", [attained[0][1:]], "plot-point-2", kind="points"),
            Series(f"prefill ({prefill['tokens']} tokens)", [attained[1][1:]], "plot-point-3", kind="points"),
        ],
    )
    return log_log_svg(chart)


def sweep_chart(sweep: dict, ident: str = "sweep") -> str:
    """Tokens/s per sequence against total tokens/s as the batch grows: the latency-throughput frontier."""
    fits = [(p["tokens_per_s"], p["tokens_per_s_per_seq"]) for p in sweep["points"] if p["fits"]]
    beyond = [(p["tokens_per_s"], p["tokens_per_s_per_seq"]) for p in sweep["points"] if not p["fits"]]
    series = [Series("batches that fit in memory", fits, "plot-line-2")]
    if beyond:
        series.append(Series("batches that do not fit", beyond, "plot-line-4"))
    chart = Chart(
        title=f"Decode at context {sweep['context']}: per-sequence against total tokens/s",
        x_label="total tokens/s",
        y_label="tokens/s per sequence",
        id=ident,
        description=(
            f"Batch 1 to {sweep['points'][-1]['batch']}; largest batch that fits: {sweep['max_batch_that_fits']}."
        ),
        series=series,
    )
    return log_log_svg(chart)
