"""`roofline eval`: run suites against an endpoint and print the scorecard; `roofline eval compare A.json B.json`."""

import json
import os
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from roofline.commands.output import console, errors, fail
from roofline.evals import EvalError, EvalRequest, compare_scorecards, run_eval, validate_scorecard
from roofline.evals.request import SHIPPED_SUITES

app = typer.Typer(help="Eval scorecard: quality, latency, cost and refusal rate of an inference endpoint.")



@app.callback(invoke_without_command=True)
def evaluate(
    ctx: typer.Context,
    endpoint: str = typer.Option(None, "--endpoint", help="Base URL, e.g. http://localhost:8000/v1."),
    model: str = typer.Option(None, "--model", help="Model name sent to the endpoint."),
    api: str = typer.Option("openai-chat", "--api", help="openai-chat, openai-completions or anthropic."),
    api_key_env: str | None = typer.Option(None, "--api-key-env", help="Environment variable holding the API key."),
    ask_key: bool = typer.Option(False, "--ask-key", help="Prompt for the API key (not echoed)."),
    suite: list[str] = typer.Option(list(SHIPPED_SUITES), "--suite", help="Shipped suite or a .jsonl path; repeat."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many items per suite."),
    concurrency: int = typer.Option(8, "--concurrency", help="Requests in flight."),
    rate: float | None = typer.Option(None, "--rate", help="At most this many request starts per second."),
    timeout: float = typer.Option(60.0, "--timeout", help="Per-attempt timeout, seconds."),
    retries: int = typer.Option(3, "--retries", help="Retries after 429, 5xx, timeouts, connection errors."),
    stream: bool = typer.Option(True, "--stream/--no-stream", help="Stream (SSE): needed for TTFT and ITL."),
    max_tokens: int = typer.Option(512, "--max-tokens"),
    temperature: float = typer.Option(0.0, "--temperature"),
    seed: int = typer.Option(0, "--seed", help="Seed of generated suites, bootstrap and sampling."),
    price_in: float | None = typer.Option(None, "--price-in", help="USD per 1e6 input tokens."),
    price_out: float | None = typer.Option(None, "--price-out", help="USD per 1e6 output tokens."),
    price_model: str | None = typer.Option(None, "--price-model", help="models.dev id provider/model to price by."),
    gpu_hour: float | None = typer.Option(None, "--gpu-hour", help="Self-hosted: USD per GPU-hour."),
    gpus: int = typer.Option(1, "--gpus", help="Self-hosted: GPUs serving the endpoint."),
    tokenizer: str | None = typer.Option(None, "--tokenizer", help="HF tokenizer for counts when usage is missing."),
    judge_endpoint: str | None = typer.Option(None, "--judge-endpoint", help="OpenAI-chat endpoint classing refusals."),
    judge_model: str | None = typer.Option(None, "--judge-model"),
    judge_key_env: str | None = typer.Option(None, "--judge-key-env", help="Environment variable of the judge key."),
    run_file: Path | None = typer.Option(None, "--run-file", help="Append results here; rerun to resume."),
    json_file: Path | None = typer.Option(None, "--json", help="Write the scorecard JSON here ('-' for stdout)."),
) -> None:
    """Run eval suites against an OpenAI-compatible or Anthropic endpoint and print the scorecard."""
    if ctx.invoked_subcommand is not None:
        return
    if not endpoint or not model:
        fail("--endpoint and --model are required (or use `roofline eval compare A.json B.json`)")
    api_key = _secret(api_key_env, "--api-key-env", ask_key)
    judge_key = _secret(judge_key_env, "--judge-key-env", False)
    try:
        request = EvalRequest(
            endpoint=endpoint, model=model, api=api, suites=suite, limit=limit, stream=stream, concurrency=concurrency,
            rate_per_s=rate, timeout_s=timeout, max_retries=retries, max_tokens=max_tokens, temperature=temperature,
            seed=seed, price_input_per_mtok=price_in, price_output_per_mtok=price_out, price_model=price_model,
            gpu_hour_usd=gpu_hour, gpus=gpus, tokenizer=tokenizer, judge_endpoint=judge_endpoint,
            judge_model=judge_model,
        )  # fmt: skip
    except ValidationError as error:
        fail("; ".join(f"--{'-'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg']}" for e in error.errors()))
    quiet = json_file is not None and str(json_file) == "-"
    try:
        with Progress(
            TextColumn("[bold]eval[/]"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(), console=errors, disable=quiet,
        ) as bar:  # fmt: skip
            task = bar.add_task("eval", total=None, note="")

            def progress(done: int, total: int, record: dict) -> None:
                note = f"{record['suite']}/{record['id']}" + (" [red]error[/]" if record["error"] else "")
                bar.update(task, completed=done, total=total, note=note)

            card = run_eval(request, api_key, run_file, progress, judge_api_key=judge_key).to_dict()
    except EvalError as error:
        fail(str(error))
    if json_file is not None:
        text = json.dumps(card, indent=1)
        if quiet:
            print(text)
            return
        json_file.write_text(text + "\n", encoding="utf-8")
    print_scorecard(card)


def _secret(env: str | None, flag: str, ask: bool) -> str | None:
    if env:
        value = os.environ.get(env)
        if not value:
            fail(f"{flag}: environment variable {env} is not set or empty")
        return value
    if ask:
        return typer.prompt("API key", hide_input=True)
    return None


def print_scorecard(card: dict) -> None:
    console.print(f"[bold]{escape(card['model']['name'])}[/] at {escape(card['endpoint']['url'])} "
                  f"({card['endpoint']['api']}{', streaming' if card['endpoint'].get('stream') else ''})")  # fmt: skip
    table = Table(title="Quality and refusal (95 % intervals: Wilson for rates, bootstrap for means)")
    for column in ("suite", "metric", "value", "95 % CI", "n"):
        table.add_column(column, justify="left" if column in ("suite", "metric") else "right")
    for suite in card["suites"]:
        for m in suite["metrics"]:
            table.add_row(suite["name"], m["name"], _fmt(m["value"]), f"{_fmt(m['ci_low'])}–{_fmt(m['ci_high'])}",
                          str(m["n"]))  # fmt: skip
        if suite["n_errors"]:
            table.add_row(suite["name"], "[red]errors[/]", str(suite["n_errors"]),
                          escape(json.dumps(suite["errors_by_kind"])), "")  # fmt: skip
    console.print(table)
    lat = card["latency"]
    table = Table(title=f"Latency over {lat['requests_ok']} requests (retried attempts excluded)")
    for column in ("", "mean", "p50", "p90", "p95", "p99", "n"):
        table.add_column(column, justify="right")
    for name, label in (("ttft_s", "TTFT s"), ("e2e_s", "E2E s"), ("tpot_s", "TPOT s"), ("itl_s", "ITL s"),
                        ("output_tokens_per_s", "out tok/s/req")):  # fmt: skip
        row = lat[name]
        table.add_row(label, *(_fmt(row[k]) for k in ("mean", "p50", "p90", "p95", "p99")), str(row["count"]))
    console.print(table)
    tokens = card["tokens"]
    console.print(f"Run: {_fmt(lat['requests_per_s'])} requests/s, {_fmt(lat['output_tokens_per_s_total'])} output "
                  f"tokens/s over {_fmt(lat['wall_s'])} s; tokens {tokens['input_total']} in, {tokens['output_total']} "
                  f"out (sources: {escape(json.dumps(tokens['sources']))})")  # fmt: skip
    cost = card["cost"]
    if cost.get("total_usd") is not None:
        console.print(f"Cost ({escape(cost['method'])}): ${_fmt(cost['usd_per_1k_requests'])} per 1,000 requests, "
                      f"${_fmt(cost['usd_per_mtok_output'])} per 1e6 output tokens")  # fmt: skip
    else:
        console.print(f"Cost: {escape(cost.get('note', 'n/a'))}")
    errors_ = card["errors"]
    incomplete = "" if card["complete"] else " [yellow](incomplete run)[/]"
    by_kind = escape(json.dumps(errors_["by_kind"]))
    console.print(f"Errors: {errors_['total']} {by_kind}; retries {errors_['retries_total']}{incomplete}")


def _fmt(value) -> str:
    if value is None:
        return "–"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@app.command("compare")
def compare(files: list[Path] = typer.Argument(..., help="Two or more scorecard JSON files.")) -> None:
    """Side-by-side comparison of scorecards (values with 95 % intervals)."""
    try:
        cards = [json.loads(path.read_text(encoding="utf-8")) for path in files]
        result = compare_scorecards([validate_scorecard(card) for card in cards])
    except (OSError, json.JSONDecodeError, ValueError) as error:
        fail(str(error))
    table = Table(title="Scorecards side by side")
    table.add_column("section")
    table.add_column("figure")
    for column in result["columns"]:
        table.add_column(escape(column["model"]) + "\n" + escape(column["finished_at"]), justify="right")
    for row in result["rows"]:
        cells = []
        for v in row["values"]:
            if v is None:
                cells.append("–")
            elif "ci_low" in v:
                cells.append(f"{_fmt(v['value'])} [{_fmt(v['ci_low'])}, {_fmt(v['ci_high'])}]")
            else:
                cells.append(_fmt(v["value"]))
        table.add_row(row["section"], f"{row['name']} ({row['unit']})", *cells)
    console.print(table)
    for warning in result["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
