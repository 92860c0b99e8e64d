"""The eval scorecard in a real browser: a run started from the page against the local test server (allow-listed
in the test settings) shows live progress, then its scorecard; two runs open side by side in a comparison."""

import pytest
from playwright.sync_api import expect

from roofline.web.tools.evals.models import EvalRun
from tests.browser.test_job_page import run_worker
from tests.evals.fake_server import running_fake

pytestmark = pytest.mark.browser

PART_DONE = """() => {
  const bar = document.getElementById("job-progress");
  return bar !== null && bar.value > 0 && bar.value < 1;
}"""


@pytest.fixture(scope="module")
def fake():
    with running_fake(delay_s=0.05) as running:  # each answer streams over ~0.2 s, so progress is visible
        yield running


def start_run(page, live_url, fake, model: str) -> EvalRun:
    page.goto(live_url + "/tools/eval/")
    page.get_by_label("Endpoint").fill(fake.url)
    page.get_by_label("Model").fill(model)
    page.get_by_label("API key").fill("sk-browser-test")
    for suite in ("instructions", "mlinfra", "refusal"):
        page.get_by_label(suite, exact=True).uncheck()
    page.get_by_label("Limit").fill("12")
    page.get_by_label("Concurrency").fill("1")
    page.get_by_role("button", name="Run the suites").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Eval of {model}")
    return EvalRun.objects.latest("created_at")


def test_a_run_from_the_page_shows_progress_then_its_scorecard_and_compares(
    page, live_url, sign_in, django_user_model, monkeypatch, console_errors, fake
):
    # The stand-in worker shares this process; its announcements are dropped so the page's socket learns of
    # progress the way it does from a separate worker process: by reading the database.
    monkeypatch.setattr("roofline.web.jobs.actions.announce_job_event", lambda job_id, seq: None)
    member = django_user_model.objects.create_user(username="ada", password="correct horse battery")
    sign_in(member)

    first = start_run(page, live_url, fake, "solver")
    expect(page.locator("#job-status")).to_have_text("queued")
    worker = run_worker(first.job_id)
    page.wait_for_function(PART_DONE, timeout=20_000)  # the bar moves while the run is under way
    expect(page.locator("#job-message")).to_contain_text("/12 items")
    expect(page.locator("#eval-metrics")).to_be_visible(timeout=30_000)  # the page reloaded into the scorecard
    worker.join(timeout=10)
    expect(page.locator("#eval-metrics")).to_contain_text("arithmetic")
    expect(page.locator("#eval-latency")).to_contain_text("TTFT")
    expect(page.locator("figure.chart svg").first).to_be_visible()
    permalink = page.url
    assert permalink.endswith(f"/tools/eval/runs/{first.id}/")

    second = start_run(page, live_url, fake, "empty")
    run_worker(second.job_id).join(timeout=30)
    expect(page.locator("#eval-metrics")).to_be_visible(timeout=30_000)

    page.goto(live_url + "/tools/eval/")
    page.get_by_label(f"compare solver {first.created_at:%Y-%m-%d %H:%M}").check()
    page.get_by_label(f"compare empty {second.created_at:%Y-%m-%d %H:%M}").check()
    page.get_by_role("button", name="Compare selected").click()
    table = page.locator("#eval-comparison")
    expect(table).to_be_visible()
    expect(table.get_by_role("row", name="arithmetic accuracy (rate)")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare eval scorecards")
    assert console_errors == []
