"""`roofline bench`: end to end on this CPU, the files it writes, and one-line errors with exit code 2."""

import io
import json

import pytest
import torch
from rich.console import Console
from typer.testing import CliRunner

from roofline.cli import app
from roofline.commands import bench
from roofline.kernels import validate_results

runner = CliRunner()
FAST = ["--min-time", "0.01", "--warmup", "0"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the CPU-only behaviour")
def test_bench_softmax_writes_valid_json_csv_and_a_plot(tmp_path):
    out, table, plot = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.png"
    result = runner.invoke(app, ["bench", "softmax", "--shapes", "8x96,16x96", "--impl", "eager,fused,triton,cuda",
                                 *FAST, "--json", str(out), "--csv", str(table), "--plot", str(plot)])  # fmt: skip

    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    validate_results(data)
    assert {r["impl"]: r["status"] for r in data["results"]} == {
        "eager": "ok", "fused": "ok", "triton": "correctness_only", "cuda": "not_run"
    }  # fmt: skip
    assert "correctness only" in result.output and "not run: no CUDA device" in result.output
    assert len(table.read_text().splitlines()) == 1 + 8
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_bench_json_to_stdout_is_the_results_file():
    result = runner.invoke(app, ["bench", "layernorm", "--shapes", "4x32", "--impl", "fused", "--baseline", "fused",
                                 *FAST, "--json", "-"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert validate_results(json.loads(result.stdout)).results[0].status == "ok"


def test_bench_reads_a_yaml_sweep(tmp_path):
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("kernel: rmsnorm\nshapes: ['4x32', [8, 32]]\ndtypes: [fp32]\nimpls: [eager]\nmin_time_s: 0.01\n")
    result = runner.invoke(app, ["bench", "--config", str(sweep), "--json", "-"])
    assert result.exit_code == 0, result.output
    assert [r["shape_label"] for r in json.loads(result.stdout)["results"]] == ["4x32", "8x32"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bench", "conv"], "unknown kernel 'conv'"),
        (["bench", "softmax", "--shapes", "12x"], "each of rowsxcols must be a whole number"),
        (["bench", "softmax", "--dtypes", "int4"], "dtypes-0"),
        (["bench", "softmax", "--plot", "x.pdf"], "write a .png or .svg file"),
        (["bench", "submit", "missing.json", "--url", "http://localhost:1"], "no API token"),
    ],
)
def test_bad_input_is_one_red_line_and_exit_code_2(args, message, monkeypatch):
    monkeypatch.delenv("ROOFLINE_API_TOKEN", raising=False)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_a_custom_file_with_a_syntax_error_is_a_clear_error(tmp_path):
    broken = tmp_path / "my_kernel.py"
    broken.write_text("def reference(x)\n    return x\n")
    result = runner.invoke(app, ["bench", "--file", str(broken)])
    assert result.exit_code == 2
    assert "my_kernel.py, line 1: syntax error" in result.output


def h200_result(impl: str, median_s: float, host_s: float) -> dict:
    timing = {"median_s": median_s, "host_s": host_s, "launch_bound": host_s > median_s, "method": "cuda-events"}
    return {"impl": impl, "shape_label": "4096x1024", "dtype": "bfloat16", "status": "ok", "reason": None,
            "timing": timing, "roofline_fraction": 0.35, "speedup": None}  # fmt: skip


def test_the_table_marks_a_launch_bound_result_and_says_its_host_and_device_time(monkeypatch):
    data = {
        "kernel": {"name": "softmax"}, "baseline": "eager", "assumptions": [],
        "environment": {"device": "cuda", "device_name": "NVIDIA H200", "torch": "2.11", "cuda": "13.0"},
        "roofline": {"name": "H200 SXM", "source": "catalog", "notes": []},
        "results": [h200_result("triton", 9.95e-6, 29.6e-6), h200_result("fused", 14.8e-6, 6e-6)],
    }  # fmt: skip
    out = io.StringIO()
    monkeypatch.setattr(bench, "console", Console(file=out, width=200))
    bench.print_results(data)
    text = out.getvalue()
    assert "triton 4096x1024 bfloat16: launch-bound: host 29.6 µs per call > device 9.95 µs" in text
    assert text.count("launch-bound") == 2  # the triton cell and its note; fused is not launch-bound
