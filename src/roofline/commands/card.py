"""`roofline card`: a model card from a checkpoint, eval logs and the authors' answers; `roofline card facts`:
the checkpoint's facts alone.

The shape: `roofline card facts CHECKPOINT` runs the `facts` sub-command; anything else
(`roofline card CHECKPOINT ...`) runs `make`, the default. A checkpoint directory literally named `facts` is
given as `./facts`.
"""

import json
from contextlib import contextmanager
from pathlib import Path

import click
import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn
from rich.table import Table
from typer.core import TyperGroup

from roofline.cards import (
    CardAnswers,
    CardError,
    CardRequest,
    generate_card,
    load_answers_file,
    read_facts,
    serving_for,
)
from roofline.cards.serving import DEFAULT_GPUS
from roofline.commands.output import console, errors, fail
from roofline.units import count, si


class DefaultToMake(TyperGroup):
    """A group whose first argument, when it is not a sub-command name, is the checkpoint for `make`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["make", *args]
        return super().parse_args(ctx, args)


card_app = typer.Typer(
    cls=DefaultToMake,
    name="card",
    help="Model cards: `roofline card CHECKPOINT [--eval LOG ...]`, or `roofline card facts CHECKPOINT`.",
    no_args_is_help=True,
)


@contextmanager
def hashing_progress():
    """A progress bar (on stderr) for SHA-256 of the checkpoint's files, shown once hashing starts."""
    columns = (TextColumn("SHA-256"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = None

        def advance(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task("hash", total=total)
            bar.update(task, completed=done)

        yield advance


CHECKPOINT_HELP = "A Hugging Face directory, a .safetensors/.gguf/.bin/.pt file, or a Hub id (owner/name)."


@card_app.command("make")
def make(
    checkpoint: str = typer.Argument(..., help=CHECKPOINT_HELP),
    eval_logs: list[Path] = typer.Option([], "--eval", "-e", help="An eval log (scorecard, lm-eval, inspect_ai)."),
    answers_file: Path | None = typer.Option(None, "--answers", help="YAML/JSON file of the authors' answers."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the card here (e.g. README.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON for scripts."),
    no_hash: bool = typer.Option(False, "--no-hash", help="Skip SHA-256 (which reads every byte of the weights)."),
    gpus: list[str] = typer.Option(list(DEFAULT_GPUS), "--gpu", help="GPUs for the serving estimates."),
    name: str | None = typer.Option(None, "--name", help="Model name (answers)."),
    license: str | None = typer.Option(None, "--license", help="Licence id, e.g. apache-2.0 (answers)."),
    authors: str | None = typer.Option(None, "--authors", help="Who developed the model (answers)."),
    languages: list[str] = typer.Option([], "--language", help="Language code; repeat for several (answers)."),
    base_model: list[str] = typer.Option([], "--base-model", help="Hub id of a base model (answers)."),
    datasets: list[str] = typer.Option([], "--dataset", help="Hub id of a training dataset (answers)."),
    intended_use: str | None = typer.Option(None, "--intended-use", help="Intended use (answers)."),
    out_of_scope_use: str | None = typer.Option(None, "--out-of-scope", help="Out-of-scope use (answers)."),
    training_data: str | None = typer.Option(None, "--training-data", help="Training data summary (answers)."),
    limitations: str | None = typer.Option(None, "--limitations", help="Known limitations (answers)."),
    ethics: str | None = typer.Option(None, "--ethics", help="Ethical considerations (answers)."),
    citation: str | None = typer.Option(None, "--citation", help="BibTeX (answers)."),
) -> None:
    """Write a model card: Markdown with Hugging Face front matter (model-index from the eval logs)."""
    flags = {
        "model_name": name, "license": license, "authors": authors, "languages": languages, "base_model": base_model,
        "datasets": datasets, "intended_use": intended_use, "out_of_scope_use": out_of_scope_use,
        "training_data": training_data, "limitations": limitations, "ethical_considerations": ethics,
        "citation": citation,
    }  # fmt: skip
    try:
        answers = load_answers_file(answers_file) if answers_file else CardAnswers()
        answers = answers.model_copy(update={k: v for k, v in flags.items() if v})  # flags win over the file
        answers = CardAnswers.model_validate(answers.model_dump())
        request = CardRequest(
            checkpoint=checkpoint, eval_logs=[{"name": p.name, "path": str(p)} for p in eval_logs],
            answers=answers, hash_files=not no_hash, gpus=gpus,
        )  # fmt: skip
        with hashing_progress() as progress:
            result = generate_card(request, progress=progress)
    except ValidationError as error:
        fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()))
    except CardError as error:
        fail(str(error))
    if output is not None:
        try:
            output.write_text(result.markdown, encoding="utf-8")
        except OSError as error:
            fail(f"{output}: cannot write ({error.strerror or error})")
    if as_json:
        console.print_json(json.dumps(result.to_dict()))
    elif output is None:
        print(result.markdown, end="")  # plain: the card is the output, for redirection
    if output is not None and not as_json:
        done = result.completeness
        console.print(f"Wrote {escape(str(output))}: {done['score']:.0%} complete.")
        if done["missing"]:
            console.print("Not provided: " + escape(", ".join(done["missing"])))


@card_app.command("facts")
def facts(
    checkpoint: str = typer.Argument(..., help=CHECKPOINT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    no_hash: bool = typer.Option(False, "--no-hash", help="Skip SHA-256 (which reads every byte of the weights)."),
    gpus: list[str] = typer.Option(list(DEFAULT_GPUS), "--gpu", help="GPUs for the serving estimates."),
) -> None:
    """The checkpoint's facts, read without loading weights, with serving estimates."""
    try:
        with hashing_progress() as progress:
            found = read_facts(checkpoint, hash_files=not no_hash, progress=progress)
        serving, assumptions = serving_for(found, gpus)
    except CardError as error:
        fail(str(error))
    data = {**found.to_dict(), "serving": [vars(s) for s in serving], "serving_assumptions": assumptions}
    if as_json:
        console.print_json(json.dumps(data))
        return
    table = Table(title=f"{escape(found.name or found.source)} ({found.kind})", show_header=False)
    rows = [
        ("architecture", found.architecture), ("layers", found.layers), ("hidden", found.hidden),
        ("heads / KV heads", f"{found.heads} / {found.kv_heads}" if found.heads else None),
        ("context length", found.context_length), ("vocabulary", found.vocab),
        ("parameters", f"{count(found.params_total)} ({found.params_source})" if found.params_total else None),
        ("active parameters", count(found.params_active) if found.experts and found.params_active else None),
        ("dtype", found.dtype or found.config_dtype), ("quantisation", found.quantization),
        ("weight bytes", f"{found.weight_bytes:,}" if found.weight_bytes else None),
        ("chat template", {True: "yes", False: "no", None: None}[found.chat_template]),
    ]  # fmt: skip
    for label, value in rows:
        table.add_row(label, escape(str(value)) if value is not None else "[dim]not known[/]")
    console.print(table)
    if found.files:
        files = Table(title="Files")
        for column in ("file", "bytes", "SHA-256"):
            files.add_column(column)
        for f in found.files:
            files.add_row(escape(f.name), f"{f.bytes:,}", f.sha256 or "[dim]not computed[/]")
        console.print(files)
    if serving:
        table = Table(title=f"Serving at {serving[0].weights_format}, batch 1, {serving[0].context_tokens:,} tokens")
        for column in ("GPU", "weights", "KV cache", "fits", "decode tokens/s ≤"):
            table.add_column(column)
        for s in serving:
            table.add_row(
                escape(s.gpu_name), si(s.weight_bytes, "B"), si(s.kv_bytes_per_sequence, "B"),
                "yes" if s.fits_one_gpu else "no", f"{s.decode_tokens_per_s:,.1f}",
            )  # fmt: skip
        console.print(table)
    for note in found.notes + assumptions[:1]:
        console.print(f"- {escape(note)}")
