"""A job's page in a real browser: its progress bar advances over the job's WebSocket while a worker runs it,
and the page ends showing the outcome and the result."""

import json
import os
import threading
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from roofline.web.jobs.actions import submit_job
from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job

pytestmark = pytest.mark.browser

RECORD_PROGRESS = """() => {
  const bar = document.getElementById("job-progress");
  window.progressSeen = [bar.value];
  new MutationObserver(() => window.progressSeen.push(bar.value))
    .observe(bar, { attributes: true, attributeFilter: ["value"] });
}"""


def wait_until(page, condition, failure: str, timeout: float = 5.0) -> None:
    """Wait for `condition` (Python-side, fed by Playwright's events), letting the browser's events arrive."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        page.wait_for_timeout(50)


def run_worker(job_id) -> threading.Thread:
    """Run the job in a background thread, standing in for the worker process."""

    def work() -> None:
        try:
            execute_job(job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="test-worker", daemon=True)
    thread.start()
    return thread


def test_a_job_page_follows_its_job_live_to_the_result(
    page, live_url, sign_in, django_user_model, monkeypatch, console_errors
):
    # With the default in-process channel layer the worker is another process whose announcements reach no one:
    # the page's socket learns of new events by reading the database. The stand-in worker here shares this
    # process, so its announcements are dropped to keep it as separate as a real one (and to keep its thread off
    # the server's event loop).
    monkeypatch.setattr("roofline.web.jobs.actions.announce_job_event", lambda job_id, seq: None)
    member = django_user_model.objects.create_user(username="ada", password="correct horse battery")
    job = submit_job(kind="selfcheck", request={"steps": 5, "delay_seconds": 0.3}, owner=member)
    sign_in(member)

    sockets, frames = [], []

    def on_socket(socket) -> None:
        sockets.append(socket.url)
        socket.on("framereceived", lambda payload: frames.append(json.loads(payload)))

    page.on("websocket", on_socket)
    api_polls = []
    page.on("request", lambda request: api_polls.append(request.url) if "/api/jobs/" in request.url else None)

    response = page.goto(f"{live_url}/jobs/{job.id}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("selfcheck job")
    status = page.locator("#job-status")
    expect(status).to_have_text("queued")
    bar = page.locator("#job-progress")
    assert bar.evaluate("bar => bar.value") == 0
    expect(page.locator("#job-result")).to_be_hidden()
    page.evaluate(RECORD_PROGRESS)

    # The page's socket is open (it has replayed the job's first event) before the worker starts.
    wait_until(page, lambda: len(frames) >= 1, "the job's socket sent nothing")
    assert sockets == [f"{live_url.replace('http', 'ws')}/ws/jobs/{job.id}/?after=0"]
    assert frames == [{**frames[0], "type": "progress", "seq": 1, "status": "queued"}]

    worker = run_worker(job.id)
    expect(status).to_have_text("running", timeout=5_000)
    page.wait_for_function("() => { const v = document.getElementById('job-progress').value; return v > 0 && v < 1; }")
    expect(status).to_have_text("succeeded", timeout=10_000)
    worker.join(timeout=10)
    assert not worker.is_alive()

    # The bar advanced step by step, in order, to the end.
    seen = page.evaluate("window.progressSeen")
    assert seen[0] == 0 and seen[-1] == 1
    assert seen == sorted(seen)
    assert {0.2, 0.4, 0.6, 0.8} <= set(seen)
    expect(page.locator("#job-message")).to_have_text("Done")

    # ... fed by the WebSocket, not the fallback polling of the JSON API.
    kinds = [frame["type"] for frame in frames]
    assert kinds.count("progress") >= 6 and kinds[-1] == "finished"
    assert [frame["progress"] for frame in frames if frame["type"] == "progress"][-1] == 1.0
    assert api_polls == []

    result = page.locator("#job-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text('"worker_pid"')
    shown = json.loads(result.inner_text())
    assert shown == Job.objects.get(pk=job.pk).result
    assert shown["worker_pid"] == os.getpid() and shown["steps"] == 5
    expect(page.locator("#job-error")).to_be_hidden()
    assert console_errors == []
