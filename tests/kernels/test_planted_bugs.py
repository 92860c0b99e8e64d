"""Planted bugs are caught before any timing: a row left unwritten, a read past the end (on the Triton
interpreter), and an implementation replaying a cached answer (the inputs change between checks)."""

from pathlib import Path

import pytest
import torch

from roofline.kernels import BenchRequest, run_benchmark

PLANTED = Path(__file__).parent / "files" / "planted_bugs.py"


@pytest.fixture(scope="module")
def rows():
    data = run_benchmark(BenchRequest(file=str(PLANTED), baseline="correct", min_time_s=0.01, warmup_s=0)).to_dict()
    return {row["impl"]: row for row in data["results"]}


def test_the_correct_implementation_passes(rows):
    assert rows["correct"]["correctness"]["passed"]
    expected = "ok" if torch.cuda.is_available() else "correctness_only"
    assert rows["correct"]["status"] == expected


def test_an_unwritten_last_row_is_caught_by_the_poisoned_output(rows):
    row = rows["skips_last_row"]
    assert row["status"] == "wrong" and row["timing"] is None and row["tflops_per_s"] is None
    assert row["correctness"]["mismatches"] == 80  # exactly the last row of 6 × 80
    assert "80 are NaN" in row["reason"]


def test_a_read_past_the_end_is_caught(rows):
    row = rows["reads_out_of_range"]
    assert row["status"] == "wrong" and row["timing"] is None
    assert "NaN" in row["reason"]  # the last row read the guard region after the input


def test_a_cached_answer_fails_on_the_second_fresh_input(rows):
    row = rows["cached_output"]
    assert row["status"] == "wrong" and row["timing"] is None
    assert row["correctness"]["checks"] == 2  # passed the first check, failed the second
