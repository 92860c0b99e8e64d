"""`roofline throughput`: the roofline estimate, a batch sweep, or a comparison across accelerators."""

import json
from enum import StrEnum

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from roofline.commands.output import console, fail
from roofline.hardware import UnknownAccelerator, UnsupportedDtype
from roofline.throughput import (
    ThroughputError,
    ThroughputRequest,
    compare_accelerators,
    estimate_throughput,
    sweep_batch,
)
from roofline.units import count, seconds, si


class Sweep(StrEnum):
    batch = "batch"



def throughput(
    model: str = typer.Option(..., "--model", help="config.json path or directory, shipped model id, or Hub id."),
    gpu: str = typer.Option("h100-sxm", "--gpu", help="Accelerator id or alias (see docs/hardware.md)."),
    gpus: int = typer.Option(1, "--gpus", help="GPUs in one tensor-parallel group."),
    weights: str = typer.Option("bf16", "--weights", help="bf16, fp16, fp8, int8 or int4."),
    kv_dtype: str = typer.Option("bf16", "--kv-dtype", help="bf16, fp16, fp8 or int8."),
    batch: int = typer.Option(1, "--batch", help="Sequences decoded together."),
    context: int = typer.Option(2048, "--context", help="Tokens cached per sequence at the decode step."),
    prompt: int = typer.Option(512, "--prompt", help="Prompt tokens (prefill, time to first token)."),
    output: int | None = typer.Option(None, "--output", help="Output tokens: estimate a whole request."),
    efficiency: float | None = typer.Option(None, "--efficiency", help="Optional fraction of peak assumed."),
    sweep: Sweep | None = typer.Option(None, "--sweep", help="Print a curve over this input."),
    compare_gpus: bool = typer.Option(False, "--compare-gpus", help="One row per catalog accelerator."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Tokens/s for a model on an accelerator: a memory-bound roofline, every assumption listed."""
    try:
        request = ThroughputRequest(
            model=model, gpu=gpu, gpus=gpus, weights=weights, kv_dtype=kv_dtype, batch=batch, context=context,
            prompt=prompt, output=output, efficiency=efficiency,
        )  # fmt: skip
        if compare_gpus:
            rows = compare_accelerators(request)
            _emit(rows, as_json, lambda: _comparison_table(rows))
        elif sweep is Sweep.batch:
            curve = sweep_batch(request)
            _emit(curve, as_json, lambda: _sweep_table(curve))
        else:
            result = estimate_throughput(request).to_dict()
            _emit(result, as_json, lambda: _print_estimate(result))
    except ValidationError as error:
        fail("; ".join(f"--{_flag(e['loc'])}: {e['msg']}" for e in error.errors()))
    except (ThroughputError, UnknownAccelerator, UnsupportedDtype, ValueError, OSError) as error:
        fail(str(error))


def _flag(loc: tuple) -> str:
    """The command-line option a validation error's location names (kv_dtype -> kv-dtype)."""
    return "-".join(str(part).replace("_", "-") for part in loc) or "input"


def _emit(data, as_json: bool, show) -> None:
    if as_json:
        console.print_json(json.dumps(data))
    else:
        show()


def _print_estimate(r: dict) -> None:
    m, d, p, mem = r["model"], r["decode"], r["prefill"], r["memory"]
    console.print(
        f"[bold]{escape(m['name'])}[/] ({escape(m['architecture'])}): {count(m['params_total'])} parameters, "
        f"{count(m['params_active'])} active; weights {si(m['weight_bytes'], 'B')}, "
        f"KV {si(m['kv_bytes_per_token'], 'B')} per token"
    )
    console.print(
        f"on {r['request'].get('gpus', 1)} × {escape(r['accelerator']['name'])}; decode: batch {d['batch']} at context "
        f"{d['context']}; prefill: {p['tokens']} tokens × {p['batch']}\n"
    )
    table = Table(title="Roofline (upper bound)", show_header=True)
    for column in ("phase", "time", "tok/s/seq", "tok/s", "bytes", "FLOPs", "FLOP/B", "bound"):
        table.add_column(column, justify="right" if column != "phase" else "left")
    table.add_row(
        "decode", seconds(d["seconds_per_step"]),
        f"{d['tokens_per_s_per_seq']:,.1f}", f"{d['tokens_per_s']:,.1f}", si(d["bytes_per_step"], "B"),
        si(d["flops_per_step"], "FLOP"), f"{d['intensity_flops_per_byte']:.3g}", d["bound"],
    )  # fmt: skip
    table.add_row(
        "prefill", seconds(p["seconds"]), "", f"{p['tokens_per_s']:,.0f}",
        si(p["bytes"], "B"), si(p["flops"], "FLOP"), f"{p['intensity_flops_per_byte']:.3g}", p["bound"],
    )  # fmt: skip
    console.print(table)
    crossover = d["compute_bound_batch"]
    console.print(
        f"Decode turns compute-bound at batch {crossover:,}." if crossover else
        "Decode stays memory-bound at every batch at this context (the KV cache dominates)."
    )  # fmt: skip
    if r["request_estimate"]:
        q = r["request_estimate"]
        console.print(
            f"Whole request ({q['prompt']} in, {q['output']} out): {seconds(q['seconds'])}, TTFT "
            f"{seconds(q['ttft_seconds'])}, {q['tokens_per_s_per_seq']:,.1f} tokens/s per sequence, "
            f"{q['tokens_per_s_per_gpu']:,.0f} tokens/s per GPU"
        )
    fits = "fits" if mem["fits"] else "[red]does not fit[/]"
    console.print(
        f"Memory per GPU: weights {si(mem['weights_bytes_per_gpu'], 'B')} + KV {si(mem['kv_bytes_per_gpu'], 'B')} "
        f"of {si(mem['capacity_bytes_per_gpu'], 'B')}: {fits}; largest batch that fits: {mem['max_batch']:,}"
    )
    console.print("\n[bold]Assumptions[/]")
    for note in r["assumptions"]:
        console.print(f"- {escape(note)}")
    console.print("\n[bold]Sources[/]")
    for figure, source in r["sources"].items():
        console.print(f"- {escape(figure)}: {escape(source)}")


def _sweep_table(curve: dict) -> None:
    table = Table(
        title=f"Decode at context {curve['context']} (largest batch that fits: {curve['max_batch_that_fits']:,})"
    )
    for column in ("batch", "tokens/s per seq", "tokens/s total", "FLOP/byte", "bound", "fits"):
        table.add_column(column, justify="right")
    for row in curve["points"]:
        table.add_row(
            f"{row['batch']:,}", f"{row['tokens_per_s_per_seq']:,.1f}", f"{row['tokens_per_s']:,.0f}",
            f"{row['intensity_flops_per_byte']:.3g}", row["bound"], "yes" if row["fits"] else "no",
        )  # fmt: skip
    console.print(table)


def _comparison_table(rows: list[dict]) -> None:
    table = Table(title="Decode on every accelerator")
    for column in ("gpu", "tokens/s per seq", "tokens/s", "bound", "TTFT", "fits", "max batch"):
        table.add_column(column, justify="right" if column != "gpu" else "left")
    for row in rows:
        if "error" in row:
            table.add_row(escape(row["gpu"]), f"[dim]{escape(row['error'])}[/]", "", "", "", "", "")
            continue
        table.add_row(
            escape(row["gpu"]), f"{row['tokens_per_s_per_seq']:,.1f}", f"{row['tokens_per_s']:,.0f}", row["bound"],
            seconds(row["ttft_seconds"]), "yes" if row["fits"] else "no", f"{row['max_batch']:,}",
        )  # fmt: skip
    console.print(table)
