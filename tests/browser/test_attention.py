"""The attention inspector in a real browser: a member runs the trained induction model on the probe, the grid
appears, clicking the induction head shows its heatmap with the stripe drawn and its score; the JSON and PNG exports
download; arrow keys move between layers; the permalink reopens the same head. A run whose matrices were pruned
still draws its grid and a head's metrics, and says why its heatmap is gone."""

import json
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from roofline.web.jobs.models import Job
from tests.attention.conftest import INDUCTION_MODEL
from tests.browser.test_job_page import run_worker

pytestmark = pytest.mark.browser


def run_queued_attention_job(timeout: float = 10.0) -> threading.Thread:
    """Wait for the page's run to be queued, then run it in a thread standing in for the worker."""
    deadline = time.monotonic() + timeout
    while not (job := Job.objects.filter(kind="attention").first()):
        assert time.monotonic() < deadline, "the page queued no run"
        time.sleep(0.05)
    return run_worker(job.id)


def test_run_the_induction_model_and_click_its_induction_head(
    page, live_url, sign_in, django_user_model, settings, monkeypatch, console_errors
):
    settings.ROOFLINE_ATTENTION_MODELS = [str(INDUCTION_MODEL)]
    monkeypatch.setattr("roofline.web.jobs.actions.announce_job_event", lambda job_id, seq: None)
    sign_in(django_user_model.objects.create_user(username="ada", password="correct horse battery"))

    page.goto(f"{live_url}/tools/attention/")
    page.locator("#at-probe").check()
    page.locator("#at-block").fill("23")
    page.get_by_role("button", name="Inspect").click()
    worker = run_queued_attention_job()

    cells = page.locator(".attention-cell")
    expect(cells).to_have_count(8, timeout=30_000)
    worker.join(timeout=10)
    induction_head = page.locator('.attention-cell[data-layer="1"][data-labels~="induction"]').first
    induction_head.click()

    expect(page.locator("#attention-head-title")).to_contain_text("layer 1")
    expect(page.locator("#attention-head-title")).to_contain_text("induction")
    score = page.locator('#attention-metrics td[data-metric="induction (probe)"]')
    expect(score).not_to_have_text("–")
    assert float(score.inner_text()) > 0.5
    heatmap = page.locator("#attention-heatmap")
    expect(heatmap).to_have_attribute("data-stripe-cells", "23")  # one stripe cell per query of the second copy
    assert heatmap.evaluate(STRIPE_IS_RED) > 0

    with page.expect_download() as json_download:
        page.locator("#at-export-json").click()
    clicked = int(induction_head.get_attribute("data-head"))
    exported = json.loads(Path(json_download.value.path()).read_text())
    assert exported["model"]["attention"]["implementation"] == "roofline_inplace"
    head = next(h for h in exported["heads"] if (h["layer"], h["head"]) == (1, clicked))
    assert head["induction"] == pytest.approx(float(score.inner_text()), abs=1e-3)
    with page.expect_download() as png_download:
        page.locator("#at-export-png").click()
    assert png_download.value.suggested_filename == f"attention-self-L1-H{clicked}.png"
    assert Path(png_download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.locator("#attention-grid").focus()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#attention-head-title")).to_contain_text("layer 0")
    permalink = page.locator("#at-permalink").get_attribute("href")
    assert "#head=self.0." in permalink

    page.goto(f"{live_url}/tools/attention/{permalink}")
    expect(page.locator("#attention-head-title")).to_contain_text("layer 0", timeout=10_000)
    assert console_errors == []


def test_a_pruned_run_keeps_its_grid_and_says_its_heads_were_removed(
    page, live_url, sign_in, django_user_model, settings, monkeypatch, console_errors, tmp_path
):
    from roofline.web.jobs.runner import execute_job
    from roofline.web.tools.attention.jobs import matrices_dir
    from tests.attention.models import llama_config, save_model

    settings.ROOFLINE_HOME = tmp_path
    settings.ROOFLINE_ATTENTION_MODELS = [str(save_model(tmp_path / "llama", llama_config()))]
    monkeypatch.setattr("roofline.web.jobs.actions.announce_job_event", lambda job_id, seq: None)
    member = django_user_model.objects.create_user(username="ada", password="correct horse battery")
    job = Job.objects.create(
        kind="attention", owner=member, request={"model": settings.ROOFLINE_ATTENTION_MODELS[0], "text": "a b a b"}
    )
    execute_job(job.id)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    (matrices_dir() / job.result["matrices_file"]).unlink()  # as the pruning does
    sign_in(member)

    page.goto(f"{live_url}/tools/attention/?run={job.id}#head=self.1.2")
    expect(page.locator(".attention-cell")).to_have_count(8, timeout=30_000)
    note = page.locator("#attention-head-note")
    expect(note).to_contain_text("This run's head matrices were removed to save space")
    expect(note).to_contain_text("rerun it to see them")
    expect(page.locator("#attention-head-title")).to_contain_text("layer 1, head 2")
    expect(page.locator('#attention-metrics td[data-metric="self"]')).not_to_have_text("–")
    expect(page.locator("#attention-heatmap")).to_be_hidden()
    expect(page.locator("#attention-error")).to_be_hidden()
    assert [error for error in console_errors if "410" not in error] == []  # the 410 itself is logged as a failed load


# Count red stripe outline pixels on the heatmap canvas (drawn in rgba(255, 64, 64)).
STRIPE_IS_RED = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let red = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] > 230 && data[i + 1] < 100 && data[i + 2] < 100) red++;
  return red;
}"""
