"""The attention inspector on the site: a member submits a run, the worker runs it, the API returns its result and
any head's matrix; the site runs only its own models and never remote code; the page and the embed render."""

import base64
import json

import numpy as np
import pytest

from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job
from tests.attention.models import llama_config, save_model
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db
TEXT = "t1 t2 t3 t4 t1 t2 t3 t4"


@pytest.fixture
def site_model(tmp_path, settings):
    directory = save_model(tmp_path / "llama", llama_config())
    settings.ROOFLINE_ATTENTION_MODELS = [str(directory)]
    settings.ROOFLINE_ATTENTION_ALLOW_HUB = False
    settings.ROOFLINE_ATTENTION_MAX_TOKENS = 64
    settings.ROOFLINE_JOB_HEARTBEAT_SECONDS = 60  # no heartbeat writes racing the test's own transaction
    return str(directory)


def post_run(client, body: dict):
    return client.post(
        "/api/tools/attention/runs", json.dumps(body), content_type="application/json",
        headers={"X-CSRFToken": csrf_token_of(client)},
    )  # fmt: skip


def test_a_run_goes_through_the_worker_and_serves_heads(member_client, site_model):
    submitted = post_run(member_client, {"model": site_model, "text": TEXT})
    assert submitted.status_code == 201, submitted.content
    run_id = submitted.json()["id"]
    execute_job(run_id)

    run = member_client.get(f"/api/tools/attention/runs/{run_id}").json()
    assert run["status"] == "succeeded", run["error"]
    result = run["result"]
    assert len(result["heads"]) == 2 * 4 and result["tokens"][0] == "[BOS]"
    assert "matrices" not in result  # kept in a file, served one head at a time

    head = member_client.get(f"/api/tools/attention/runs/{run_id}/heads/self/1/3").json()
    values = np.frombuffer(base64.b64decode(head["data"]), dtype="<f4").reshape(head["rows"], head["cols"])
    assert (head["rows"], head["cols"], head["pooled"]) == (9, 9, False)
    np.testing.assert_allclose(values.sum(axis=1), 1.0, atol=2e-3)  # stored as float16
    assert np.triu(values, 1).max() == 0  # causal
    assert member_client.get(f"/api/tools/attention/runs/{run_id}/heads/self/9/0").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "someone/else", "text": "hi"}, "is not one of this site's models"),
        ({"model": "/etc", "text": "hi"}, "is not one of this site's models"),
        ({"text": "hi"}, "model: Field required"),
        ({"model": "x", "text": "  "}, "the text is empty"),
    ],
)
def test_bad_requests_get_422_with_the_reason(member_client, site_model, body, message):
    response = post_run(member_client, body)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not Job.objects.exists()


def test_remote_code_is_never_run_on_the_site(member_client, site_model):
    response = post_run(member_client, {"model": site_model, "text": "t1", "trust_remote_code": True})
    assert response.status_code == 422 and "never runs a model repository's own code" in response.json()["detail"]


def test_the_site_caps_the_token_limit(member_client, site_model):
    run_id = post_run(member_client, {"model": site_model, "text": " ".join(["t1"] * 80), "max_tokens": 4096})
    run_id = run_id.json()["id"]
    execute_job(run_id)
    job = Job.objects.get(pk=run_id)
    assert job.status == "failed" and "81 tokens, over the limit of 64" in job.error


def test_visitors_cannot_run_or_read(client, site_model):
    assert client.post("/api/tools/attention/runs", "{}", content_type="application/json").status_code == 401


def test_another_members_run_is_not_found(member_client, other_member, site_model, client):
    run_id = post_run(member_client, {"model": site_model, "text": TEXT}).json()["id"]
    client.force_login(other_member)
    assert client.get(f"/api/tools/attention/runs/{run_id}").status_code == 404


def test_the_page_offers_the_sites_models(member_client, site_model):
    page = member_client.get("/tools/attention/").content.decode()
    assert site_model in page and 'id="attention-form"' in page and "attention.js" in page


def test_an_article_embed_draws_the_grid(site_model):
    from roofline.web.markdown import render_markdown

    block = json.dumps({"model": site_model, "text": TEXT, "metric": "previous_token"})
    rendered = render_markdown(f"```roofline:attention\n{block}\n```\n")
    assert not rendered.errors, rendered.errors
    assert rendered.html.count("<svg") == 1 and "previous_token" in rendered.html
    assert "Open in the attention inspector" in rendered.html


def test_long_texts_are_served_max_pooled(member_client, site_model, settings):
    settings.ROOFLINE_ATTENTION_DETAIL_SIZE = 16
    run_id = post_run(member_client, {"model": site_model, "text": " ".join(f"t{i % 50}" for i in range(47))})
    run_id = run_id.json()["id"]
    execute_job(run_id)
    head = member_client.get(f"/api/tools/attention/runs/{run_id}/heads/self/0/0").json()
    assert (head["rows"], head["cols"], head["queries"], head["pooled"]) == (16, 16, 48, True)
    values = np.frombuffer(base64.b64decode(head["data"]), dtype="<f4").reshape(16, 16)
    assert values[0, 0] == pytest.approx(1.0, abs=1e-3)  # query 0 sees only itself; the block keeps the max
    assert values[0, -1] == 0  # the causal triangle survives pooling
