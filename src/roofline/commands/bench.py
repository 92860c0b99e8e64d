"""`roofline bench`: check and time every implementation of a kernel across shapes and dtypes; `submit` a
results file to a Roofline site; `kernels` lists what is built in."""

import json
import os
from pathlib import Path

import click
import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from roofline.commands.output import console, errors, fail
from roofline.hardware import UnknownAccelerator
from roofline.kernels.errors import KernelBenchError
from roofline.kernels.export import launch_note, series_by_impl, to_csv
from roofline.kernels.names import BUILTIN_KERNELS
from roofline.kernels.request import BenchRequest, request_from_yaml
from roofline.kernels.schema import InvalidResults, validate_results
from roofline.units import seconds

# torch (and the kernels) load only when a benchmark runs: `roofline serve`, `worker` and `--help` stay fast.

TOKEN_ENV = "ROOFLINE_API_TOKEN"  # noqa: S105  (the variable's name, not a token)


class DefaultRun(TyperGroup):
    """`roofline bench KERNEL ...` and `roofline bench --file f.py` mean `roofline bench run ...`."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args.insert(0, "run")
        return super().resolve_command(ctx, args)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args.insert(0, "run")
        return super().parse_args(ctx, args)


bench_app = typer.Typer(
    cls=DefaultRun, no_args_is_help=True, rich_markup_mode="rich",
    help="Kernel benchmark: `roofline bench KERNEL`, `roofline bench --file my_kernel.py`, `roofline bench submit`.",
)  # fmt: skip



def _split(values: list[str] | None) -> list[str] | None:
    """Options given as repeats and/or comma lists: --dtypes float32,bf16 --dtypes fp16."""
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@bench_app.command("run")
def run(
    kernel: str | None = typer.Argument(None, help=f"Built-in kernel: {', '.join(BUILTIN_KERNELS)}."),
    file: Path | None = typer.Option(None, "--file", help="A Python file defining a custom kernel (docs/kernels.md)."),
    config: Path | None = typer.Option(None, "--config", help="A YAML sweep file (request fields); options override."),
    shapes: list[str] | None = typer.Option(None, "--shapes", help="Shapes in the kernel's dims: 4096x1024,8192x1024."),
    dtypes: list[str] | None = typer.Option(None, "--dtypes", help="float32, bfloat16, float16 (comma list)."),
    impls: list[str] | None = typer.Option(None, "--impl", help="Implementations to run (default: all)."),
    baseline: str | None = typer.Option(None, "--baseline", help="Implementation speedups are relative to."),
    device: str | None = typer.Option(None, "--device", help="auto (default), cpu or cuda."),
    l2: str | None = typer.Option(None, "--l2", help="GPU: cold (flush before each call, default) or warm."),
    cuda_graphs: bool | None = typer.Option(None, "--cuda-graphs", help="GPU: time CUDA graph replays."),
    min_time: float | None = typer.Option(None, "--min-time", help="Seconds of timed samples per result."),
    warmup: float | None = typer.Option(None, "--warmup", help="Seconds of warm-up per result."),
    threads: int | None = typer.Option(None, "--threads", help="CPU: torch threads (default: torch's)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the correctness checks' inputs."),
    accelerator: str | None = typer.Option(None, "--accelerator", help="GPU: catalog id for the roofline."),
    json_file: str | None = typer.Option(None, "--json", help="Write the results JSON here ('-' for stdout)."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the results as CSV here."),
    plot_file: Path | None = typer.Option(None, "--plot", help="Write a plot (time per impl vs size): .png or .svg."),
) -> None:
    """Check every implementation against a float64 reference, then time the correct ones."""
    fields = {
        "kernel": kernel, "file": str(file) if file else None, "shapes": _split(shapes), "dtypes": _split(dtypes),
        "impls": _split(impls), "baseline": baseline, "device": device, "l2": l2, "cuda_graphs": cuda_graphs,
        "min_time_s": min_time, "warmup_s": warmup, "threads": threads, "seed": seed, "accelerator": accelerator,
    }  # fmt: skip
    try:
        if config is not None:
            request = request_from_yaml(config, **fields)
        else:
            request = BenchRequest.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as error:
        fail("; ".join(f"{_flag(e['loc'])}: {e['msg']}" for e in error.errors()))
    except KernelBenchError as error:
        fail(str(error))
    if plot_file is not None and plot_file.suffix.lower() not in (".png", ".svg"):
        fail(f"--plot {plot_file}: write a .png or .svg file")
    quiet = json_file == "-"
    from roofline.kernels.run import run_benchmark

    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=errors,
                      transient=True, disable=quiet) as bar:  # fmt: skip
            task = bar.add_task("Starting", total=1.0)
            result = run_benchmark(request, progress=lambda f, m: bar.update(task, completed=f, description=m))
    except (KernelBenchError, UnknownAccelerator) as error:
        fail(str(error))
    data = result.to_dict()
    if json_file == "-":
        console.print_json(json.dumps(data))
    else:
        print_results(data)
        if json_file:
            Path(json_file).write_text(json.dumps(data, indent=2))
            errors.print(f"Results JSON: {escape(json_file)}")
    if csv_file:
        csv_file.write_text(to_csv(data))
        errors.print(f"Results CSV: {escape(str(csv_file))}")
    if plot_file:
        write_plot(data, plot_file)
        errors.print(f"Plot: {escape(str(plot_file))}")


def _flag(loc: tuple) -> str:
    return "-".join(str(part).replace("_", "-") for part in loc) or "input"


def _cell(row: dict) -> str:
    status = row["status"]
    if status == "ok":
        parts = [seconds(row["timing"]["median_s"])]
        if row["roofline_fraction"] is not None:
            parts.append(f"{100 * row['roofline_fraction']:.0f}% roof")
        if row["speedup"] is not None:
            parts.append(f"{row['speedup']:.2f}×")
        if launch_note(row):
            parts.append("[yellow]launch-bound[/]")
        return " · ".join(parts)
    if status == "correctness_only":
        return "[cyan]correct (correctness only)[/]"
    if status == "wrong":
        return "[red bold]WRONG[/]"
    if status == "error":
        return "[red]error[/]"
    return "[dim]not run[/]"


def print_results(data: dict) -> None:
    env, roof = data["environment"], data["roofline"]
    console.print(
        f"[bold]{escape(data['kernel']['name'])}[/] on {escape(env['device_name'])} "
        f"(torch {env['torch']}, triton {env.get('triton') or '—'}"
        + (f", CUDA {env['cuda']}, driver {env.get('driver') or '?'}" if env["device"] == "cuda" else "")
        + f"); roofline: {escape(roof['name'])} ({roof['source']})"
    )
    impls = list(dict.fromkeys(row["impl"] for row in data["results"]))
    table = Table(title=f"Median time · % of roofline · speedup vs {data['baseline']}")
    table.add_column("shape")
    table.add_column("dtype")
    for impl in impls:
        table.add_column(impl, justify="right")
    cells: dict[tuple, dict] = {}
    for row in data["results"]:
        cells[(row["shape_label"], row["dtype"], row["impl"])] = row
    for shape, dtype in dict.fromkeys((r["shape_label"], r["dtype"]) for r in data["results"]):
        table.add_row(shape, dtype, *(_cell(cells[(shape, dtype, i)]) if (shape, dtype, i) in cells else ""
                                      for i in impls))  # fmt: skip
    console.print(table)
    reasons = dict.fromkeys(
        f"{row['impl']} {row['shape_label']} {row['dtype']}: {row['reason']}" if row["status"] in ("wrong", "error")
        else f"{row['impl']}: {row['reason']}"
        for row in data["results"] if row["reason"]
    )  # fmt: skip
    for reason in reasons:
        console.print(f"- {escape(reason)}")
    for row in data["results"]:
        if note := launch_note(row):
            console.print(f"- {escape(row['impl'] + ' ' + row['shape_label'])} {row['dtype']}: [yellow]{note}[/]")
    for note in data["assumptions"] + roof["notes"]:
        console.print(f"[dim]- {escape(note)}[/]")


def write_plot(data: dict, path: Path) -> None:
    """Median time per implementation against problem size (log-log), one line each; needs matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("--plot needs matplotlib (pip install matplotlib)")
    series = series_by_impl(data)
    if not series:
        fail("--plot: no timed results to plot")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for impl, points in series.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=impl)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"problem size (elements: {' × '.join(data['kernel']['dims'])})")
    ax.set_ylabel("median time per call (s)")
    ax.set_title(f"{data['kernel']['name']} on {data['environment']['device_name']}")
    ax.legend()
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


@bench_app.command("submit")
def submit(
    results: Path = typer.Argument(..., help="A results JSON written by `roofline bench --json`."),
    url: str = typer.Option(..., "--url", help="The Roofline site, e.g. https://roofline.example.org"),
    token: str | None = typer.Option(
        None, "--token", help=f"Your API token (default: ${TOKEN_ENV}).", show_default=False
    ),
) -> None:
    """Upload a results file to a Roofline site with your API token (never printed)."""
    import httpx

    token = token or os.environ.get(TOKEN_ENV)
    if not token:
        fail(f"no API token: pass --token or set {TOKEN_ENV} (create one on your profile page)")
    try:
        data = json.loads(results.read_text())
        validate_results(data)
    except OSError as error:
        fail(f"cannot read {results}: {error.strerror}")
    except json.JSONDecodeError as error:
        fail(f"{results} is not JSON: {error}")
    except InvalidResults as error:
        fail(f"{results}: {error}")
    endpoint = url.rstrip("/") + "/api/tools/kernels/runs"
    try:
        response = httpx.post(endpoint, json=data, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    except httpx.HTTPError as error:
        fail(f"cannot reach {endpoint}: {type(error).__name__}")
    if response.status_code == 401:
        fail("the site refused the token (401): check it, or create a new one on your profile page")
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text[:200]
        fail(f"the site answered {response.status_code}: {detail}")
    run = response.json()
    console.print(f"Submitted run {run['id']}: {url.rstrip('/')}{run['url']}")


@bench_app.command("kernels")
def kernels(as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """List the built-in kernels, their dims, default shapes and implementations."""
    from roofline.kernels.builtin import KERNELS

    listing = [
        {"name": k.name, "description": k.description, "dims": list(k.dims),
         "impls": {name: impl.description for name, impl in k.impls.items()}}
        for k in KERNELS.values()
    ]  # fmt: skip
    if as_json:
        console.print_json(json.dumps(listing))
        return
    table = Table(title="Built-in kernels")
    for column in ("kernel", "dims", "implementations", "what"):
        table.add_column(column)
    for k in listing:
        table.add_row(k["name"], "x".join(k["dims"]), ", ".join(k["impls"]), escape(k["description"]))
    console.print(table)
