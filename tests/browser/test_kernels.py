"""The kernel benchmark's results browser in a real browser: results files submitted through the API (by
`roofline bench submit`) are found on the page by filter, then two runs are compared side by side."""

import copy
import json

import pytest
from playwright.sync_api import expect
from typer.testing import CliRunner

import roofline.kernels.impls  # noqa: F401  (Triton interpreter on before anything imports triton)
from roofline.cli import app
from roofline.kernels import BenchRequest, run_benchmark
from roofline.web.discussions.tokens import create_token

pytestmark = pytest.mark.browser


def submit(path, live_url, token) -> int:
    args = ["bench", "submit", str(path), "--url", live_url]
    result = CliRunner().invoke(app, args, env={"ROOFLINE_API_TOKEN": token})
    assert result.exit_code == 0, result.output
    assert token not in result.output  # never echoed
    return int(result.output.split("Submitted run ")[1].split(":")[0])


def test_submitted_runs_are_found_by_filter_and_compared(page, live_url, member, console_errors, tmp_path):
    token = create_token(member, "bench")[1]
    results = run_benchmark(BenchRequest(kernel="layernorm", shapes=["4x32", "8x32"], impls=["eager", "fused"],
                                         min_time_s=0.01, warmup_s=0)).to_dict()  # fmt: skip
    here = tmp_path / "here.json"
    here.write_text(json.dumps(results))
    other = copy.deepcopy(results)
    other["environment"]["device_name"] = "Second machine"
    for row in other["results"]:
        row["timing"]["median_s"] *= 4
    there = tmp_path / "there.json"
    there.write_text(json.dumps(other))
    first, second = submit(here, live_url, token), submit(there, live_url, token)

    page.goto(live_url + "/tools/kernels/")
    page.get_by_label("Device").select_option("Second machine")
    page.get_by_role("button", name="Filter").click()
    runs = page.locator("#kernels-runs tbody tr")
    expect(runs).to_have_count(1)
    expect(runs).to_contain_text(f"#{second}")
    expect(page.locator("#kernels-results")).to_contain_text("8x32")
    expect(page.locator("figure.chart svg").first).to_be_visible()

    page.get_by_label("Device").select_option("")
    page.get_by_role("button", name="Filter").click()
    expect(runs).to_have_count(2)
    page.get_by_label(f"Compare: run {first} as A").check()
    page.get_by_label(f"Compare: run {second} as B").check()
    page.get_by_role("button", name="Compare A and B side by side").click()

    table = page.locator("#compare-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    for row in range(4):
        expect(table.locator("tbody tr").nth(row).locator("td").last).to_have_text("4.00×")
    assert console_errors == []
