"""Curves over one input: throughput against batch size, and one row per accelerator in the catalog."""

from roofline.hardware import UnsupportedDtype, list_accelerators
from roofline.throughput.estimate import ThroughputError, decode_phase, estimate_with, load_spec, resolve
from roofline.throughput.request import ThroughputRequest


def sweep_batches(max_batch: int, points: int) -> list[int]:
    """Up to `points` batch sizes from 1 to `max_batch`, evenly spaced on a log scale."""
    if max_batch <= 1 or points <= 1:
        return [1]
    ratio = max_batch ** (1 / (points - 1))
    return sorted({max(1, round(ratio**i)) for i in range(points)} | {max_batch})


def sweep_batch(request: ThroughputRequest, points: int = 64, allow_local_files: bool = True) -> dict:
    """Decode throughput per sequence and in total for batches from 1 to the largest that fits (at least 256)."""
    setup = resolve(request, allow_local_files)
    fit = estimate_with(setup, request.model_copy(update={"output": None})).memory
    top = max(fit["max_batch"], 256)
    rows = []
    for batch in sweep_batches(top, points):
        phase = decode_phase(setup, batch, request.context)
        rows.append(
            {
                "batch": batch,
                "tokens_per_s_per_seq": 1.0 / phase.seconds,
                "tokens_per_s": batch / phase.seconds,
                "intensity_flops_per_byte": phase.intensity_flops_per_byte,
                "bound": phase.bound,
                "fits": batch <= fit["max_batch"],
            }
        )
    return {"context": request.context, "max_batch_that_fits": fit["max_batch"], "points": rows}


def compare_accelerators(request: ThroughputRequest, allow_local_files: bool = True) -> list[dict]:
    """The request's decode estimate on every catalog accelerator. The model is loaded once (a model that
    cannot be read raises ThroughputError); a row says why when one accelerator cannot run the request."""
    spec = load_spec(request, allow_local_files)
    rows = []
    for accelerator in list_accelerators():
        row = {"gpu": accelerator.id, "name": accelerator.name}
        try:
            setup = resolve(request.model_copy(update={"gpu": accelerator.id}), allow_local_files, spec=spec)
            result = estimate_with(setup, request)
        except (UnsupportedDtype, ThroughputError) as error:
            rows.append({**row, "error": str(error)})
            continue
        rows.append(
            {
                **row,
                "tokens_per_s_per_seq": result.decode["tokens_per_s_per_seq"],
                "tokens_per_s": result.decode["tokens_per_s"],
                "bound": result.decode["bound"],
                "compute_bound_batch": result.decode["compute_bound_batch"],
                "ttft_seconds": result.prefill["seconds"],
                "fits": result.memory["fits"],
                "max_batch": result.memory["max_batch"],
            }
        )
    return rows
