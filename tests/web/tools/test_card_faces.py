"""The model card generator on the site: the page (form, preview through the site's renderer, raw Markdown,
download) and the JSON API. Uploads are size-capped, bad input gets its message, and every card round-trips
through huggingface_hub."""

import base64
import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from huggingface_hub import ModelCard

from roofline.web.discussions.tokens import create_token
from roofline.web.tools.card.inputs import MAX_LOG_UPLOAD_BYTES
from tests.cards.builders import (
    FIXTURES,
    INSPECT_METRICS,
    LM_EVAL_METRICS,
    LM_EVAL_RESULTS,
    SCORECARD,
    HubStandIn,
    make_tiny_llama,
)
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db
PAGE, PREVIEW, DOWNLOAD, API = "/tools/card/", "/tools/card/preview/", "/tools/card/download/", "/api/tools/card"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return make_tiny_llama(tmp_path_factory.mktemp("tiny"))[0]


@pytest.fixture(scope="module")
def config_text(checkpoint) -> str:
    return (checkpoint / "config.json").read_text()


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def eval_results(markdown: str) -> set[tuple]:
    return {
        (r.dataset_name, r.metric_type, r.metric_config, r.metric_value) for r in ModelCard(markdown).data.eval_results
    }


def test_page_lists_the_form(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for field in ('name="checkpoint"', 'name="metadata_files"', 'name="eval_logs"', 'name="intended_use"',
                  'name="ethical_considerations"', 'name="citation"', "Download README.md"):  # fmt: skip
        assert field in html
    assert "js/card.js" in html and "<script>" not in html  # no inline script (CSP)


def test_preview_renders_the_card_and_its_markdown(client, config_text):
    form = {
        "metadata_files": [upload("config.json", config_text)],
        "eval_logs": [upload("results.json", json.dumps(LM_EVAL_RESULTS)),
                      upload("run.eval", (FIXTURES / "inspect_arithmetic.eval").read_bytes())],
        "license": "apache-2.0", "intended_use": "Testing the page.", "languages": "en, fr",
    }  # fmt: skip
    response = client.post(PREVIEW, form)
    assert response.status_code == 200, response.content
    html = response.content.decode()
    assert "<td>202,048 (202 k), from the config.json (formula)</td>" in html
    assert "<td>hellaswag</td>" in html  # the results table, rendered
    markdown = unescape(html.split("readonly>", 1)[1].split("</textarea>", 1)[0])
    assert eval_results(markdown) == LM_EVAL_METRICS | INSPECT_METRICS
    assert ModelCard(markdown).data.language == ["en", "fr"]
    assert "% complete" in html


def test_member_text_is_sanitised_in_the_preview(client, config_text):
    form = {"metadata_files": [upload("config.json", config_text)], "summary": "<script>alert(1)</script> **bold**"}
    html = client.post(PREVIEW, form).content.decode()
    preview = html.split('id="card-preview">', 1)[1].split("</article>", 1)[0]
    assert "<script>" not in preview and "<strong>bold</strong>" in preview


def test_download_is_the_card_as_an_attachment(client, config_text):
    form = {"metadata_files": [upload("config.json", config_text)],
            "eval_logs": [upload("scorecard.json", json.dumps(SCORECARD))]}  # fmt: skip
    response = client.post(DOWNLOAD, form)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="README.md"'
    assert response["Content-Type"].startswith("text/markdown")
    assert len(eval_results(response.content.decode())) == 4


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"eval_logs": [upload("x.json", '{"a": 1}')]}, "unknown eval log shape"),
        ({"metadata_files": [upload("weights.safetensors", "x")]}, "not a metadata file this page reads"),
        ({"metadata_files": [upload("config.json", "{")]}, "config.json is not valid JSON"),
        ({"checkpoint": "/etc/passwd"}, "is not a Hugging Face Hub id"),  # the server never reads its own files
        ({"eval_logs": [upload("big.json", b" " * (MAX_LOG_UPLOAD_BYTES + 1))]}, "over the 8,388,608-byte limit"),
        ({"license": "x" * 101}, "license: String should have at most 100 characters"),
    ],
)
def test_bad_input_is_shown_in_place(client, form, message):
    response = client.post(PREVIEW, form)
    assert response.status_code == 422
    assert message in unescape(response.content.decode())
    assert client.post(DOWNLOAD, form).status_code == 422


def test_without_javascript_the_form_posts_to_the_page(client, config_text):
    response = client.post(PAGE, {"metadata_files": [upload("config.json", config_text)], "authors": "Ada"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="card-preview"' in html and 'value="Ada"' in html


def test_api_makes_the_card_for_a_member(member, config_text):
    _, token = create_token(member, "cards")
    unfinished = base64.b64encode((FIXTURES / "inspect_unfinished.eval").read_bytes()).decode()
    body = {
        "files": {"config.json": config_text},
        "eval_logs": [{"name": "results.json", "content": json.dumps(LM_EVAL_RESULTS)},
                      {"name": "run.eval", "content_base64": unfinished}],
        "answers": {"license": "mit"},
    }  # fmt: skip
    client = Client()
    response = client.post(API, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert eval_results(data["markdown"]) == LM_EVAL_METRICS
    assert data["facts"]["params_total"] == 202_048
    assert data["metadata"]["license"] == "mit"
    assert client.post(API, json.dumps(body), content_type="application/json").status_code == 401
    bad = client.post(API, json.dumps({"checkpoint": "./x"}), content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert bad.status_code == 422 and "Hub id" in bad.json()["detail"]


def test_api_with_a_session_needs_the_csrf_token(member_client, config_text):
    body = json.dumps({"files": {"config.json": config_text}})
    assert member_client.post(API, body, content_type="application/json").status_code == 403
    token = csrf_token_of(member_client)
    response = member_client.post(API, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_api_facts_refuses_paths(client):
    response = client.get("/api/tools/card/facts", {"checkpoint": "/etc"})
    assert response.status_code == 422


def test_a_hub_id_reads_the_repository_through_the_hub_client(client, monkeypatch, checkpoint):
    monkeypatch.setattr("roofline.cards.hub.hub_client", lambda: HubStandIn(checkpoint))
    response = client.post(
        PREVIEW, {"checkpoint": "tiny/llama", "eval_logs": [upload("r.json", json.dumps(LM_EVAL_RESULTS))]}
    )
    assert response.status_code == 200, response.content
    html = unescape(response.content.decode())
    assert "202,048 (202 k), from the safetensors headers" in html
    assert "https://huggingface.co/tiny/llama" in html
    assert 'from_pretrained("tiny/llama")' in html  # how to use, for a Hub model with a transformers class
