"""`roofline attention`: every attention head of a Hugging Face model on a text or the induction probe."""

import json
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from roofline.attention import AttentionError, AttentionRequest, inspect_attention
from roofline.attention.labels import LABELS, THRESHOLDS
from roofline.commands.output import console, errors, fail


def _head_refs(values: list[str]) -> list[dict]:
    """--head 1.3 or --head decoder:1.3 → {stack, layer, head}."""
    refs = []
    for value in values:
        stack, _, rest = value.rpartition(":")
        layer, dot, head = rest.partition(".")
        if not (dot and layer.isdigit() and head.isdigit()):
            fail(f"--head {value}: write LAYER.HEAD (0-based), optionally after STACK:, e.g. 1.3 or cross:0.2")
        refs.append({"stack": stack or None, "layer": int(layer), "head": int(head)})
    return refs


def attention(
    model: str = typer.Argument(..., help="Hugging Face Hub id or local model directory."),
    text: str | None = typer.Option(None, "--text", help="Text to inspect (else the induction probe)."),
    probe: bool = typer.Option(False, "--probe", help="Inspect the repeated random-token probe instead of text."),
    probe_block: int = typer.Option(32, "--probe-block", help="Random tokens in the probe's block."),
    seed: int = typer.Option(0, "--seed", help="Seed of the probe's random tokens."),
    max_tokens: int = typer.Option(4096, "--max-tokens", help="Refuse texts longer than this."),
    head: list[str] = typer.Option([], "--head", help="LAYER.HEAD whose full matrix --json includes (repeatable)."),
    dtype: str = typer.Option("float32", "--dtype", help="float32, bfloat16 or float16."),
    device: str = typer.Option("auto", "--device", help="auto, cpu, cuda, cuda:1..."),
    trust_remote_code: bool = typer.Option(
        False, "--trust-remote-code", help="Run the model repository's own Python code (only for repos you trust)."
    ),
    png: Path | None = typer.Option(None, "--png", help="Write the layers × heads grid as a PNG image."),
    metric: str = typer.Option("induction", "--metric", help="Metric the PNG's heatmap shows."),
    top: int = typer.Option(5, "--top", help="Heads listed per label."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Per-head metrics (induction, previous-token, sink, self, entropy...), labels and the mask each layer used."""
    from transformers.utils import logging as transformers_logging

    from roofline.attention.render import GRID_METRICS, grid_png

    transformers_logging.disable_progress_bar()  # the rich bar below reports loading
    transformers_logging.set_verbosity_error()
    if metric not in GRID_METRICS:
        fail(f"--metric {metric}: choose one of {', '.join(GRID_METRICS)}")
    try:
        request = AttentionRequest(
            model=model, text=text, probe=probe, probe_block=probe_block, seed=seed, max_tokens=max_tokens,
            heads=_head_refs(head), dtype=dtype, device=device, trust_remote_code=trust_remote_code,
        )  # fmt: skip
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=errors, transient=True
        ) as bar:
            task = bar.add_task("Starting", total=1.0)
            result = inspect_attention(request, lambda f, message: bar.update(task, completed=f, description=message))
    except ValidationError as error:
        fail("; ".join(f"--{'-'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()))
    except (AttentionError, OSError) as error:
        fail(str(error))
    data = result.to_dict()
    if png is not None:
        grid_png(data, png, metric)
    if as_json:
        console.print_json(json.dumps(data))
        return
    _print_summary(data, top)
    if png is not None:
        console.print(f"Grid written to {escape(str(png))}")


def _print_summary(data: dict, top: int) -> None:
    m = data["model"]
    stacks = ", ".join(f"{s['name']} {s['layers']} layers × {s['heads']} heads" for s in data["stacks"])
    console.print(f"[bold]{escape(m['id'])}[/] ({escape(m['class'])}): {stacks}; {len(data['tokens'])} tokens")
    if not data["probe"]["inspected"]:
        console.print(f"induction measured on a probe of BOS + {data['probe']['block']} random tokens × 2")
    several = len(data["stacks"]) > 1
    table = Table(title="Top heads per label (layer.head, 0-based, and score)")
    table.add_column("label")
    table.add_column("rule")
    table.add_column("heads")
    for label in LABELS:
        name, threshold = THRESHOLDS[label]
        rows = data["top_heads"][label][:top]
        listed = (
            ", ".join(f"{r['stack'] + ' ' if several else ''}L{r['layer']}.H{r['head']} {r['score']:.2f}" for r in rows)
            or "[dim]none[/]"
        )
        table.add_row(label, f"{name} ≥ {threshold:g}", listed)
    console.print(table)
    for layer in data["layers"]:
        if not layer["mask_ok"]:
            console.print(
                f"[red]{layer['stack']} layer {layer['layer']}: attention mass {layer['forbidden_mass']:.2e} where "
                f"its {layer['mask']['kind']} mask forbids it[/]"
            )
    masks = sorted({(layer["stack"], layer["mask"]["kind"], layer["mask"]["window"]) for layer in data["layers"]})
    console.print("Masks: " + "; ".join(f"{s} {k}" + (f" (window {w})" if w else "") for s, k, w in masks))
    console.print(f"Attention: {escape(m['attention']['reason'])}")
