"""The eval scorecard on the site: the form starts a job whose key is never stored, internal endpoints are
refused unless allow-listed, the run page shows the scorecard, comparisons and the ```roofline:scorecard embed."""

import json

import pytest
from django.test import override_settings

from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job
from roofline.web.markdown import render_markdown
from roofline.web.tools.evals.models import EvalRun
from roofline.web.tools.evals.policy import EndpointRefused, check_endpoint
from tests.conftest import csrf_token_of
from tests.evals.fake_server import running_fake

pytestmark = pytest.mark.django_db(transaction=True)
KEY = "sk-live-DO-NOT-STORE"


@pytest.fixture(scope="module")
def fake():
    with running_fake() as running:
        yield running


def form(fake, **extra) -> dict:
    return {"endpoint": fake.url, "api": "openai-chat", "model": "solver", "api_key": KEY,
            "suites": ["arithmetic", "refusal"], "limit": "3", "stream": "on", "concurrency": "2",
            "max_tokens": "32", **extra}  # fmt: skip


def post_form(client, fake, **extra):
    """The form as a browser sends it (with the CSRF token when the client enforces it)."""
    data = form(fake, **extra)
    if client.cookies.get("csrftoken") or getattr(client.handler, "enforce_csrf_checks", False):
        data["csrfmiddlewaretoken"] = csrf_token_of(client)
    return client.post("/tools/eval/", data)


def submit_and_run(client, fake, **extra) -> EvalRun:
    response = post_form(client, fake, **extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = EvalRun.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    execute_job(run.job_id)
    run.refresh_from_db()
    return run


def test_the_page_offers_the_form_and_sign_in(client):
    response = client.get("/tools/eval/")
    assert response.status_code == 200
    assert b'name="endpoint"' in response.content and b"Sign in" in response.content


def test_a_run_from_the_page_uses_the_key_but_never_stores_it(member_client, fake):
    fake.app.headers.clear()
    run = submit_and_run(member_client, fake)
    assert run.scorecard["schema"] == "roofline.scorecard/1" and run.scorecard["complete"]
    assert run.scorecard["suites"][0]["n_items"] == 3
    assert fake.app.headers and all(h["authorization"] == f"Bearer {KEY}" for h in fake.app.headers)
    job = Job.objects.get(pk=run.job_id)
    assert job.status == "succeeded"
    stored = json.dumps([job.request, job.result, run.scorecard, list(job.events.values_list("message", flat=True))])
    assert KEY not in stored and "api_key" not in json.dumps(job.request)
    assert run.sealed_key is None  # the sealed copy is erased when the run starts


def test_the_sealed_key_is_not_the_key_in_clear(member_client, fake):
    post_form(member_client, fake)
    run = EvalRun.objects.latest("created_at")
    assert run.sealed_key is not None and KEY.encode() not in bytes(run.sealed_key)


def test_signed_out_visitors_cannot_start_runs(client, fake):
    response = post_form(client, fake)
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    assert not EvalRun.objects.exists()


@override_settings(ROOFLINE_EVAL_ALLOWED_HOSTS=[])
def test_loopback_endpoints_are_refused_without_the_allow_list(member_client, fake):
    response = post_form(member_client, fake)
    assert response.status_code == 422
    assert b"loopback, private or link-local" in response.content
    assert KEY.encode() not in response.content  # the key is not echoed into the form
    assert not EvalRun.objects.exists() and not Job.objects.exists()


@override_settings(ROOFLINE_EVAL_ALLOWED_HOSTS=[])
@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/v1",
        "http://169.254.169.254/latest",
        "http://[::1]:8000/v1",
        "http://192.168.1.1/v1",
        "ftp://example.com/v1",
        "http://user:pw@8.8.8.8/v1",
    ],
)
def test_internal_and_odd_endpoints_are_refused(url):
    with pytest.raises(EndpointRefused):
        check_endpoint(url)


def test_a_public_address_passes_the_check():
    check_endpoint("http://8.8.8.8/v1")  # resolving an IP literal needs no network


def test_item_limits_are_enforced(member_client, fake):
    response = post_form(member_client, fake, limit="100000")
    assert response.status_code == 422 and not EvalRun.objects.exists()


def test_the_api_refuses_a_key_inside_the_request_and_the_jobs_api_refuses_it_too(member_client, fake):
    token = csrf_token_of(member_client)
    body = {"request": {"endpoint": fake.url, "model": "solver", "suites": ["mlinfra"], "limit": 2, "api_key": KEY}}
    response = member_client.post("/api/tools/eval/runs", json.dumps(body), content_type="application/json",
                                  headers={"X-CSRFToken": token})  # fmt: skip
    assert response.status_code == 422
    job_body = {"kind": "eval", "request": {**body["request"], "run": "x"}}
    response = member_client.post("/api/jobs/", json.dumps(job_body), content_type="application/json",
                                  headers={"X-CSRFToken": token})  # fmt: skip
    assert response.status_code == 422 and not Job.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [({"limit": 51}, "at most 50 items per suite"), ({"concurrency": 64}, "at most 32 requests in flight"),
     ({"suites": ["/etc/passwd.jsonl"]}, "choose suites from"), ({"tokenizer": "x"}, "only available in the CLI")],
)  # fmt: skip
def test_the_api_enforces_the_site_limits(member_client, fake, change, message):
    body = {"request": {"endpoint": fake.url, "model": "solver", "suites": ["mlinfra"], **change}}
    response = member_client.post("/api/tools/eval/runs", json.dumps(body), content_type="application/json",
                                  headers={"X-CSRFToken": csrf_token_of(member_client)})  # fmt: skip
    assert response.status_code == 422 and message in response.json()["detail"]
    assert not EvalRun.objects.exists()


def test_the_api_starts_a_run_and_serves_its_scorecard(member_client, fake):
    body = {"request": {"endpoint": fake.url, "model": "solver", "suites": ["mlinfra"], "limit": 2}, "api_key": KEY}
    response = member_client.post("/api/tools/eval/runs", json.dumps(body), content_type="application/json",
                                  headers={"X-CSRFToken": csrf_token_of(member_client)})  # fmt: skip
    assert response.status_code == 201, response.content
    run_id = response.json()["run"]
    assert member_client.get(f"/api/tools/eval/runs/{run_id}").status_code == 404  # not finished yet
    execute_job(response.json()["job"])
    card = member_client.get(f"/api/tools/eval/runs/{run_id}").json()
    assert card["suites"][0]["name"] == "mlinfra" and card["suites"][0]["n_done"] == 2


def test_the_run_page_shows_the_scorecard_and_compare_lines_two_up(member_client, client, fake):
    first, second = submit_and_run(member_client, fake), submit_and_run(member_client, fake, model="empty")
    page = client.get(f"/tools/eval/runs/{first.id}/")  # a permalink: readable signed out
    assert page.status_code == 200
    accuracy = first.scorecard["suites"][0]["metrics"][0]
    assert f"{accuracy['value']:.3f}".encode() in page.content and b"<svg" in page.content
    download = client.get(f"/tools/eval/runs/{first.id}/scorecard.json")
    assert download.json() == json.loads(json.dumps(first.scorecard))
    compare = client.get(f"/tools/eval/compare/?runs={first.id}&runs={second.id}")
    assert compare.status_code == 200 and b"eval-comparison" in compare.content
    assert b"solver" in compare.content and b"empty" in compare.content
    api = client.get(f"/api/tools/eval/compare?runs={first.id},{second.id}").json()
    assert api["rows"][0]["name"] == "accuracy" and len(api["rows"][0]["values"]) == 2
    assert client.get(f"/tools/eval/compare/?runs={first.id}").status_code == 422


def test_the_scorecard_embed_shows_a_stored_scorecard_or_a_clear_error(member_client, fake):
    run = submit_and_run(member_client, fake)
    html = render_markdown(f'```roofline:scorecard\n{{"run": "{run.id}"}}\n```\n').html
    assert "Open the scorecard of solver" in html and "arithmetic v1" in html
    html = render_markdown('```roofline:scorecard\n{"run": "nope"}\n```\n').html
    assert "embed-error" in html
