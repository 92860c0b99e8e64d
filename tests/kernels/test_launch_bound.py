"""Launch-bound results in the results file and in the GPU check's report: the schema accepts and checks the new
timing fields, the note users read, and which rows the do_bench comparison counts (fabricated figures, no GPU)."""

import copy

import pytest

from benchmarks.gpu_kernels_check import report, summarize
from roofline.kernels import BenchRequest, InvalidResults, run_benchmark, validate_results
from roofline.kernels.export import launch_note
from roofline.kernels.schema import results_json_schema
from tests.kernels.conftest import FAST

TRITON = {"status": "ok", "timing": {"median_s": 9.95e-6, "host_s": 29.6e-6, "launch_bound": True}}


def test_a_launch_bound_result_says_its_host_and_device_time():
    assert launch_note(TRITON) == "launch-bound: host 29.6 µs per call > device 9.95 µs"
    fused = {"status": "ok", "timing": {"median_s": 57.4e-6, "host_s": 8e-6, "launch_bound": False}}
    assert launch_note(fused) is None
    cpu = {"status": "ok", "timing": {"median_s": 1e-3, "method": "cpu-perf-counter"}}  # no host_s: not a claim
    assert launch_note(cpu) is None and launch_note({"status": "not_run", "timing": None}) is None


@pytest.fixture(scope="module")
def cpu_results() -> dict:
    return run_benchmark(BenchRequest(kernel="softmax", shapes=["4x32"], impls=["eager"], **FAST)).to_dict()


@pytest.fixture
def gpu_results(cpu_results) -> dict:
    data = copy.deepcopy(cpu_results)
    data["results"][0]["timing"].update(method="cuda-events", l2="cold", median_s=9.95e-6, host_s=29.6e-6,
                                        launch_bound=True, pad_s=59.2e-6)  # fmt: skip
    return data


def test_the_results_file_carries_host_time_launch_bound_and_pad(gpu_results):
    timing = validate_results(gpu_results).results[0].timing
    assert (timing.host_s, timing.launch_bound, timing.pad_s) == (29.6e-6, True, 59.2e-6)
    fields = results_json_schema()["$defs"]["TimingOut"]["properties"]
    assert {"host_s", "launch_bound", "pad_s"} <= set(fields)
    gpu_results["results"][0]["timing"]["host_s"] = -1e-6
    with pytest.raises(InvalidResults, match="host_s"):
        validate_results(gpu_results)


def test_cpu_results_have_no_host_time_or_launch_bound_flag(cpu_results):
    timed = [row["timing"] for row in cpu_results["results"] if row["status"] == "ok"]
    assert timed and all(t["host_s"] is None and t["launch_bound"] is None for t in timed)


def line(impl, ours, theirs, launch_bound, host=None, status="ok"):
    timed = status == "ok"
    return {"kernel": "softmax", "shape": "4096x1024", "dtype": "bfloat16", "impl": impl, "status": status,
            "ours_us": ours if timed else None, "host_us": host, "launch_bound": launch_bound if timed else None,
            "do_bench_us": theirs if timed else None, "ratio": ours / theirs if timed else None, "roofline": 0.1,
            "reason": "" if timed else "not run: no CUDA toolkit"}  # fmt: skip


LINES = [
    line("fused", 14.8, 14.8, False, host=6.0),
    line("cuda", 60.8, 57.0, False, host=7.0),  # 1.067: not launch-bound, so a real disagreement
    line("triton", 9.95, 9.95, False),
    line("compile", 40.0, 100.4, True, host=83.0),  # do_bench timed the host: not compared
    line("triton_lb", 9.9, 10.0, True, host=29.6),
    line("nvcc", 0, 0, None, status="not_run"),
]


def test_only_results_that_are_not_launch_bound_are_compared_with_do_bench():
    summary = summarize(LINES)
    assert [x["impl"] for x in summary["compared"]] == ["fused", "cuda", "triton"]
    assert [x["impl"] for x in summary["launch_bound"]] == ["compile", "triton_lb"]
    assert summary["within"] == 2 and [x["impl"] for x in summary["outside"]] == ["cuda"]


def test_the_report_counts_compared_rows_and_lists_disagreement_and_launch_bound_rows_with_both_times():
    text = report(LINES, "## heading")
    assert "Compared (not launch-bound): 2 of 3 within 5%" in text
    assert "outside 5%: softmax 4096x1024 bfloat16 cuda (1.067)" in text
    assert "| softmax | 4096x1024 | bfloat16 | cuda | ok | 60.8 | 57.0 | 1.067 | 10.0 |" in text
    assert "| softmax | 4096x1024 | bfloat16 | compile | 40.0 | 83.0 | 100.4 | 0.398 |" in text  # device, host, theirs
    assert "| nvcc | not_run: not run: no CUDA toolkit |" in text
    assert text.count("| compile |") == 1  # listed once, in the launch-bound table
