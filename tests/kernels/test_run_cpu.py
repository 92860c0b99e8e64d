"""`run_benchmark` on this CPU: PyTorch timed, Triton checked under the interpreter, CUDA listed as not run."""

import csv
import io

import pytest
import torch

from roofline.kernels import KERNELS, BenchRequest, KernelBenchError, run_benchmark, validate_results
from roofline.kernels.export import CSV_COLUMNS, series_by_impl, to_csv

pytestmark = pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only behaviour")


def _by_impl(data: dict) -> dict[str, dict]:
    return {row["impl"]: row for row in data["results"]}


@pytest.mark.parametrize("kernel", ["softmax", "layernorm"])
def test_cpu_run_times_pytorch_checks_triton_and_lists_cuda_as_not_run(kernel, fast):
    data = run_benchmark(
        BenchRequest(kernel=kernel, shapes=["8x96"], impls=["eager", "fused", "triton", "cuda"], **fast)
    ).to_dict()

    validate_results(data)
    rows = _by_impl(data)
    for impl in ("eager", "fused"):
        assert rows[impl]["status"] == "ok"
        assert rows[impl]["correctness"]["passed"] and rows[impl]["correctness"]["checks"] == 2
        assert rows[impl]["timing"]["median_s"] > 0 and rows[impl]["timing"]["method"] == "cpu-perf-counter"
        assert rows[impl]["gb_per_s"] == pytest.approx(rows[impl]["bytes"] / rows[impl]["timing"]["median_s"] / 1e9)
    assert rows["eager"]["speedup"] == 1.0
    assert rows["fused"]["speedup"] == pytest.approx(
        rows["eager"]["timing"]["median_s"] / rows["fused"]["timing"]["median_s"]
    )
    triton = rows["triton"]
    assert triton["status"] == "correctness_only" and triton["interpreted"] and triton["timing"] is None
    assert triton["correctness"]["passed"] and "correctness only" in triton["reason"]
    assert rows["cuda"]["status"] == "not_run" and rows["cuda"]["reason"] == "not run: no CUDA device"
    assert data["environment"]["device"] == "cpu" and data["environment"]["triton_interpreter"]
    assert data["roofline"]["source"] == "calibration" and data["roofline"]["memory_bandwidth_bytes_per_s"] > 0


def test_torch_compile_is_checked_and_timed_on_cpu(fast):
    data = run_benchmark(BenchRequest(kernel="softmax", shapes=["4x32"], impls=["compile"], baseline="compile",
                                      **fast)).to_dict()  # fmt: skip

    row = data["results"][0]
    assert row["status"] == "ok", row["reason"]
    assert row["correctness"]["passed"] and row["timing"]["median_s"] > 0


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_every_triton_kernel_matches_the_float64_reference_under_the_interpreter(kernel, fast):
    shape = KERNELS[kernel].test_shapes[0]
    for dtype in ("float32", "bfloat16"):
        data = run_benchmark(
            BenchRequest(kernel=kernel, shapes=[shape], dtypes=[dtype], impls=["triton"], baseline="triton", **fast)
        ).to_dict()
        row = data["results"][0]
        assert row["status"] == "correctness_only", row["reason"]
        assert row["correctness"]["max_abs_error"] <= row["correctness"]["atol"] + row["correctness"]["rtol"] * 10


def test_counts_follow_the_documented_formulas():
    gemm, causal, attention = KERNELS["gemm"], KERNELS["attention-causal"], KERNELS["attention"]
    assert gemm.flops({"m": 2, "n": 3, "k": 4}) == 2 * 2 * 3 * 4
    assert gemm.bytes_moved({"m": 2, "n": 3, "k": 4}, 2) == (2 * 4 + 4 * 3 + 2 * 3) * 2
    shape = {"batch": 1, "heads": 2, "seq": 4, "head_dim": 8}
    assert attention.flops(shape) == 4 * 1 * 2 * 4 * 4 * 8
    assert causal.flops(shape) == 4 * 1 * 2 * (4 * 5 // 2) * 8  # the 10 kept (query, key) pairs of 16
    assert KERNELS["layernorm"].bytes_moved({"rows": 3, "cols": 5}, 4) == (2 * 3 * 5 + 2 * 5) * 4


def test_csv_has_one_line_per_result_and_plot_series_per_timed_impl(fast):
    data = run_benchmark(
        BenchRequest(kernel="rmsnorm", shapes=["4x32", "16x32"], impls=["eager", "fused", "cuda"], **fast)
    ).to_dict()

    rows = list(csv.DictReader(io.StringIO(to_csv(data))))
    assert len(rows) == 6 and tuple(rows[0]) == CSV_COLUMNS
    assert {r["status"] for r in rows if r["impl"] == "cuda"} == {"not_run"}
    series = series_by_impl(data)
    assert set(series) == {"eager", "fused"} and [x for x, _ in series["eager"]] == [128, 512]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kernel": "conv"}, "unknown kernel 'conv'"),
        ({"kernel": "gemm", "impls": ["fused"]}, "gemm has no implementation fused"),
        ({"kernel": "softmax", "baseline": "nope"}, "baseline 'nope'"),
        ({"kernel": "softmax", "shapes": ["8x8x8"]}, "softmax shapes are rowsxcols"),
        ({"kernel": "softmax", "device": "cuda"}, "no CUDA device"),
    ],
)
def test_bad_requests_say_what_is_wrong(fields, message):
    with pytest.raises(KernelBenchError, match=message):
        run_benchmark(BenchRequest(**fields))


def test_the_torch_free_list_of_names_matches_the_registry():
    from roofline.kernels.names import BUILTIN_KERNELS

    assert tuple(KERNELS) == BUILTIN_KERNELS
