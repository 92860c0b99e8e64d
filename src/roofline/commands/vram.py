"""`roofline vram`: per-GPU memory for training or serving, as a table with formulas or as JSON."""

import json

import typer
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

from roofline.commands.output import console, fail
from roofline.hardware import UnknownAccelerator
from roofline.units import binary
from roofline.vram import VramError, VramRequest, estimate_vram


def vram(
    model: str = typer.Option(..., "--model", help="config.json path or directory, shipped model id, or Hub id."),
    mode: str = typer.Option("train", "--mode", help="train or infer."),
    batch: int = typer.Option(1, "--batch", help="Micro-batch per GPU (train) or concurrent sequences (infer)."),
    seq: int = typer.Option(2048, "--seq", help="Tokens per sequence (train) or context length (infer)."),
    param_dtype: str = typer.Option("bf16", "--param-dtype", help="fp32 or bf16 (training weights)."),
    mixed_precision: bool = typer.Option(False, "--mixed-precision", help="bf16 weights, fp32 master weights."),
    optimizer: str = typer.Option("adamw", "--optimizer", help="adamw, sgd, adam8bit or adafactor."),
    attention: str = typer.Option("sdpa", "--attention", help="eager or sdpa."),
    checkpointing: str = typer.Option("none", "--checkpointing", help="none, selective or full."),
    zero: int = typer.Option(0, "--zero", help="ZeRO stage 0-3."),
    fsdp: str | None = typer.Option(None, "--fsdp", help="FULL_SHARD, SHARD_GRAD_OP, HYBRID_SHARD or NO_SHARD."),
    gpus: int = typer.Option(1, "--gpus", help="GPUs in total."),
    tp: int = typer.Option(1, "--tp", help="Tensor-parallel size."),
    pp: int = typer.Option(1, "--pp", help="Pipeline-parallel size."),
    lora_rank: int | None = typer.Option(None, "--lora-rank", help="Train LoRA adapters of this rank."),
    qlora: bool = typer.Option(False, "--qlora", help="4-bit NF4 base weights (with --lora-rank)."),
    gpu: str = typer.Option("h100-sxm", "--gpu", help="Accelerator id or alias (see docs/hardware.md)."),
    weights: str = typer.Option("bf16", "--weights", help="Inference weights: bf16, fp16, fp8, int8 or int4."),
    kv_dtype: str = typer.Option("bf16", "--kv-dtype", help="Inference KV cache: bf16, fp16, fp8 or int8."),
    gpu_memory_utilization: float = typer.Option(0.9, "--gpu-memory-utilization", help="Inference budget fraction."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Per-GPU memory: parameters, gradients, optimizer state, activations, logits, KV cache, with the peak."""
    try:
        request = VramRequest(
            model=model, mode=mode, batch=batch, seq=seq, param_dtype=param_dtype, mixed_precision=mixed_precision,
            optimizer=optimizer, attention=attention, checkpointing=checkpointing, zero=zero, fsdp=fsdp, gpus=gpus,
            tp=tp, pp=pp, lora_rank=lora_rank, qlora=qlora, gpu=gpu, weights=weights, kv_dtype=kv_dtype,
            gpu_memory_utilization=gpu_memory_utilization,
        )  # fmt: skip
        result = estimate_vram(request).to_dict()
    except ValidationError as error:
        fail("; ".join(f"--{'-'.join(str(p).replace('_', '-') for p in e['loc']) or 'input'}: {e['msg']}"
                       for e in error.errors()))  # fmt: skip
    except (VramError, UnknownAccelerator, ValueError, OSError) as error:
        fail(str(error))
    if as_json:
        console.print_json(json.dumps(result))
    else:
        print_result(result)


def print_result(r: dict) -> None:
    m, acc = r["model"], r["accelerator"]
    console.print(
        f"[bold]{escape(m['name'])}[/] ({escape(m['architecture'])}, {m['params_total']:,} parameters), "
        f"{r['mode']} on {escape(acc['name'])} ({binary(acc['memory_bytes'])} per GPU)\n"
    )
    table = Table(title=f"Per-GPU memory at the peak: {escape(r['peak_moment'])} ({r['peak_phase']})")
    table.add_column("line")
    table.add_column("bytes", justify="right")
    table.add_column("formula")
    for line in r["lines"]:
        table.add_row(line["name"], binary(line["bytes"]), escape(line["formula"]))
    table.add_row("[bold]peak[/]", f"[bold]{binary(r['peak_bytes'])}[/]", "")
    console.print(table)
    verdict = "[green]fits[/]" if r["fits"] else "[red]does not fit[/]"
    console.print(
        f"{verdict}: margin {binary(r['margin_bytes'])} of {binary(r['capacity_bytes'])}; largest "
        f"{'micro-batch' if r['mode'] == 'train' else 'batch'} that fits: {r['max_micro_batch']:,}"
    )
    if r["kv_capacity"]:
        kv = r["kv_capacity"]
        console.print(
            f"At gpu_memory_utilization {kv['gpu_memory_utilization']:g}: KV budget {binary(kv['kv_budget_bytes'])}, "
            f"{kv['kv_tokens']:,} tokens, {kv['max_sequences']:,} sequences of {kv['context']:,} tokens"
        )
    if r["suggestions"]:
        console.print("\n[bold]What would make it fit[/]")
        for s in r["suggestions"]:
            mark = "[green]fits[/]" if s["fits"] else "[red]still too big[/]"
            console.print(f"- {escape(s['change'])}: {binary(s['peak_bytes'])} ({mark})")
    for title, items in (("Notes", r["notes"]), ("Assumptions", r["assumptions"])):
        if items:
            console.print(f"\n[bold]{title}[/]")
            for note in items:
                console.print(f"- {escape(note)}")
