"""GPU check of the kernel benchmark, for a machine with a CUDA device (figures: RESULTS.md).

Runs the built-in suite (every kernel, its default GPU shapes, bfloat16 and float16, every implementation) with
roofline.kernels on the GPU, then times every implementation that passed its check again with
triton.testing.do_bench (cold L2, median) on the same inputs, and reports ours / do_bench per result.
Target: within 5% (0.95-1.05) for the results that are not launch-bound. A launch-bound result (the host takes
longer to enqueue a call than the device takes to run it) is listed apart and not compared: ours is the device
time, while do_bench's median includes the host's time wherever it exceeds do_bench's cache flush. Writes the
results JSON per kernel and a Markdown table, and puts the table in benchmarks/RESULTS.md under a heading naming
the card.

    python benchmarks/gpu_kernels_check.py [--out DIR] [--kernels softmax,gemm] [--quick]
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
HEADING = "## Kernel benchmark on a GPU: agreement with triton.testing.do_bench"


def do_bench_median(kernel, impl_fn, shape, dtype, out_shape) -> float:
    """do_bench's median (seconds) of one call, on inputs made the way the harness makes its timing inputs."""
    from triton.testing import do_bench

    from roofline.kernels.run import TIMING_SEED

    inputs = kernel.make_inputs(shape, dtype, "cuda", torch.Generator().manual_seed(TIMING_SEED))
    out = torch.empty(out_shape, dtype=dtype, device="cuda")
    return do_bench(lambda: impl_fn(*inputs, out=out), warmup=25, rep=100, return_mode="median") / 1e3


def within_5(ratio: float) -> bool:
    return 0.95 <= ratio <= 1.05


def summarize(lines: list[dict]) -> dict:
    """The timed lines split into `compared` (not launch-bound: ours and do_bench both time the device) and
    `launch_bound` (listed apart); `within` counts compared lines within 5%, `outside` lists the others."""
    timed = [line for line in lines if line["ratio"] is not None]
    compared = [line for line in timed if not line["launch_bound"]]
    outside = [line for line in compared if not within_5(line["ratio"])]
    return {
        "compared": compared, "launch_bound": [line for line in timed if line["launch_bound"]],
        "within": len(compared) - len(outside), "outside": outside,
        "median_ratio": statistics.median(line["ratio"] for line in compared) if compared else None,
    }  # fmt: skip


def _fmt(value, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _name(line: dict) -> str:
    return f"{line['kernel']} {line['shape']} {line['dtype']} {line['impl']}"


def report(lines: list[dict], intro: str) -> str:
    """The Markdown section: `intro`, the counts, every result not launch-bound (compared or untimed), then the
    launch-bound results with our device time, our host time per call and do_bench's median."""
    summary = summarize(lines)
    compared, launch_bound = summary["compared"], summary["launch_bound"]
    counts = f"Compared (not launch-bound): {summary['within']} of {len(compared)} within 5%"
    if compared:
        counts += f" (median ratio {summary['median_ratio']:.3f})"
    outside = ", ".join(f"{_name(line)} ({line['ratio']:.3f})" for line in summary["outside"])
    counts += f"; outside 5%: {outside or 'none'}. Launch-bound, not compared: {len(launch_bound)} (second table)."
    table = [
        intro, "", counts, "",
        "| kernel | shape | dtype | impl | status | ours (µs) | do_bench (µs) | ours / do_bench | % of roofline |",
        "|---|---|---|---|---|---:|---:|---:|---:|",
    ]  # fmt: skip
    for line in lines:
        if line["ratio"] is not None and line["launch_bound"]:
            continue
        status = line["status"] if line["status"] == "ok" else f"{line['status']}: {line['reason'][:80]}"
        table.append(
            f"| {line['kernel']} | {line['shape']} | {line['dtype']} | {line['impl']} | {status} | "
            f"{_fmt(line['ours_us'], '.1f')} | {_fmt(line['do_bench_us'], '.1f')} | {_fmt(line['ratio'], '.3f')} | "
            f"{_fmt(line['roofline'] and 100 * line['roofline'], '.1f')} |"
        )
    if launch_bound:
        table += [
            "", "Launch-bound results (our host time per call > our device time; do_bench includes host time once "
            "it exceeds its flush):", "",
            "| kernel | shape | dtype | impl | ours: device (µs) | ours: host per call (µs) | do_bench (µs) | "
            "ours / do_bench |",
            "|---|---|---|---|---:|---:|---:|---:|",
        ]  # fmt: skip
        table += [
            f"| {line['kernel']} | {line['shape']} | {line['dtype']} | {line['impl']} | {line['ours_us']:.1f} | "
            f"{_fmt(line['host_us'], '.1f')} | {line['do_bench_us']:.1f} | {line['ratio']:.3f} |"
            for line in launch_bound
        ]
    return "\n".join(table) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "gpu_results")
    parser.add_argument("--kernels", default="")
    parser.add_argument("--quick", action="store_true", help="Two shapes per kernel, bfloat16 only.")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: this check needs a GPU", file=sys.stderr)
        return 2

    from roofline.kernels import KERNELS, BenchRequest, run_benchmark

    args.out.mkdir(parents=True, exist_ok=True)
    names = [n for n in args.kernels.split(",") if n] or list(KERNELS)
    dtypes = ["bfloat16"] if args.quick else ["bfloat16", "float16"]
    lines, device = [], torch.cuda.get_device_name()
    for name in names:
        kernel = KERNELS[name]
        shapes = list(kernel.default_shapes[:2] if args.quick else kernel.default_shapes)
        request = BenchRequest(kernel=name, shapes=shapes, dtypes=dtypes, device="cuda", l2="cold")
        progress = lambda f, m, name=name: print(f"  {name} {f:4.0%} {m}", file=sys.stderr)  # noqa: E731
        data = run_benchmark(request, progress=progress).to_dict()
        (args.out / f"{name}.json").write_text(json.dumps(data, indent=2))
        built = {}
        for row in data["results"]:
            line = {"kernel": name, "shape": row["shape_label"], "dtype": row["dtype"], "impl": row["impl"],
                    "status": row["status"], "ours_us": None, "host_us": None, "launch_bound": None,
                    "do_bench_us": None, "ratio": None, "roofline": row["roofline_fraction"],
                    "reason": row["reason"] or ""}  # fmt: skip
            if row["status"] == "ok":
                impl = kernel.impls[row["impl"]]
                fn = built.setdefault(impl.name, impl.build())
                theirs = do_bench_median(kernel, fn, row["shape"], getattr(torch, row["dtype"]),
                                         row["correctness"]["output_shape"])  # fmt: skip
                ours, host = row["timing"]["median_s"], row["timing"].get("host_s")
                line.update(ours_us=ours * 1e6, do_bench_us=theirs * 1e6, ratio=ours / theirs,
                            host_us=host and host * 1e6, launch_bound=row["timing"].get("launch_bound"))  # fmt: skip
            lines.append(line)
            print(json.dumps(line))
    intro = (
        f"{HEADING} ({device})\n\n"
        f"`python benchmarks/gpu_kernels_check.py{' --quick' if args.quick else ''}` on {device}, torch "
        f"{torch.__version__}, CUDA {torch.version.cuda}. Ours: CUDA events, cold L2 (buffer of twice the L2 zeroed "
        "before each call), each call queued behind a GPU sleep of twice the host's time to enqueue it, median "
        "device time; do_bench: triton.testing.do_bench(warmup=25, rep=100, return_mode='median'), its own 256 MB "
        "cache flush, no such padding."
    )
    section = report(lines, intro)
    (args.out / "table.md").write_text(section)
    results_md = HERE / "RESULTS.md"
    text = results_md.read_text() if results_md.exists() else "# Benchmark results\n"
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    results_md.write_text(text)
    print(section)
    summary = summarize(lines)
    return 0 if summary["compared"] and not summary["outside"] else 1


if __name__ == "__main__":
    sys.exit(main())
