"""GPU check of the kernel benchmark, prepared for a machine with a CUDA device (not yet run: see RESULTS.md).

Runs the built-in suite (every kernel, its default GPU shapes, bfloat16 and float16, every implementation) with
roofline.kernels on the GPU, then times every implementation that passed its check again with
triton.testing.do_bench (cold L2, median) on the same inputs, and reports ours / do_bench per result.
Target: within 5% (0.95-1.05). Writes the results JSON per kernel and a Markdown table, and puts the table in
benchmarks/RESULTS.md under a heading naming the card.

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
    lines, ratios, device = [], [], torch.cuda.get_device_name()
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
                    "status": row["status"], "ours_us": None, "do_bench_us": None, "ratio": None,
                    "roofline": row["roofline_fraction"], "reason": row["reason"] or ""}  # fmt: skip
            if row["status"] == "ok":
                impl = kernel.impls[row["impl"]]
                fn = built.setdefault(impl.name, impl.build())
                theirs = do_bench_median(kernel, fn, row["shape"], getattr(torch, row["dtype"]),
                                         row["correctness"]["output_shape"])  # fmt: skip
                ours = row["timing"]["median_s"]
                line.update(ours_us=ours * 1e6, do_bench_us=theirs * 1e6, ratio=ours / theirs)
                ratios.append(ours / theirs)
            lines.append(line)
            print(json.dumps(line))
    within = sum(0.95 <= r <= 1.05 for r in ratios)
    table = [
        f"{HEADING} ({device})\n",
        f"`python benchmarks/gpu_kernels_check.py{' --quick' if args.quick else ''}` on {device}, torch "
        f"{torch.__version__}, CUDA {torch.version.cuda}. Ours: CUDA events, cold L2 (buffer of twice the L2 zeroed "
        "before each call), median; do_bench: triton.testing.do_bench(warmup=25, rep=100, return_mode='median'), "
        f"its own 256 MB cache flush. Within 5%: {within} of {len(ratios)} timed results"
        + (f" (median ratio {statistics.median(ratios):.3f})." if ratios else "."),
        "",
        "| kernel | shape | dtype | impl | status | ours (µs) | do_bench (µs) | ours / do_bench | % of roofline |",
        "|---|---|---|---|---|---:|---:|---:|---:|",
    ]
    for line in lines:
        fmt = lambda v, spec: "" if v is None else format(v, spec)  # noqa: E731
        status = line["status"] if line["status"] == "ok" else f"{line['status']}: {line['reason'][:80]}"
        table.append(
            f"| {line['kernel']} | {line['shape']} | {line['dtype']} | {line['impl']} | {status} | "
            f"{fmt(line['ours_us'], '.1f')} | {fmt(line['do_bench_us'], '.1f')} | {fmt(line['ratio'], '.3f')} | "
            f"{fmt(line['roofline'] and 100 * line['roofline'], '.1f')} |"
        )
    section = "\n".join(table) + "\n"
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
    return 0 if ratios and within == len(ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
