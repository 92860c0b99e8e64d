"""The VRAM calculator's faces on the site: the page and its fragment, the JSON API, and the ```roofline:vram
embed. Each shows the engine's numbers; bad input gets a message, never a 500."""

import json
import re
from html import unescape
from urllib.parse import urlencode

import pytest

from roofline.units import binary
from roofline.vram import VramRequest, estimate_vram
from roofline.web.markdown import render_markdown

pytestmark = pytest.mark.django_db

LLAMA = "meta-llama/Llama-3.1-8B"
PAGE, FRAGMENT, API = "/tools/vram/", "/tools/vram/result/", "/api/tools/vram"


@pytest.fixture(autouse=True)
def no_hub(monkeypatch):
    """Fail loudly if anything tries the Hugging Face Hub (the tests use shipped configs only)."""

    def refuse(repo_id):
        raise AssertionError(f"the Hub was asked for {repo_id}")

    monkeypatch.setattr("roofline.modelspec.source._download", refuse)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def engine(**fields) -> dict:
    request = VramRequest(**{"model": LLAMA, **fields})
    return json.loads(json.dumps(estimate_vram(request, allow_local_files=False).to_dict()))


def test_the_page_with_no_inputs_shows_the_bar_the_formulas_and_the_verdict(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    result = engine()
    text = text_of(html)
    assert "<svg" in html and "plot-limit" in html
    assert f"peak {binary(result['peak_bytes'])} per GPU" in text and ("Fits" in text or "Does not fit" in text)
    for line in result["lines"]:
        assert line["formula"] in text


def test_the_fragment_follows_the_query_and_links_suggestions_that_reproduce_them(client):
    query = {"model": LLAMA, "batch": "2", "seq": "8192"}
    response = client.get(FRAGMENT + "?" + urlencode(query))
    assert response.status_code == 200
    text = text_of(response.content.decode())
    result = engine(batch=2, seq=8192)
    assert "Does not fit" in text and "What would make it fit" in text
    first = result["suggestions"][0]
    assert f"{first['change']} : {binary(first['peak_bytes'])} — fits" in text
    assert "checkpointing=full" in response.content.decode()


def test_checkboxes_and_inference_fields_reach_the_engine(client):
    query = {"model": LLAMA, "mode": "infer", "batch": "4", "seq": "8192", "kv_dtype": "fp8", "block_size": "16"}
    text = text_of(client.get(FRAGMENT + "?" + urlencode(query)).content.decode())
    result = engine(mode="infer", batch=4, seq=8192, kv_dtype="fp8", block_size=16)
    assert f"{result['kv_capacity']['kv_tokens']} tokens" in text
    mixed = engine(mixed_precision=True, zero=2, gpus=8)
    text = text_of(client.get(FRAGMENT + "?" + urlencode({"model": LLAMA, "mixed_precision": "on", "zero": "2",
                                                            "gpus": "8"})).content.decode())  # fmt: skip
    assert f"peak {binary(mixed['peak_bytes'])} per GPU" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tp": "3", "gpus": "3"}, "does not divide the 32 attention heads"),
        ({"batch": "zero"}, "batch"),
        ({"zero": "2", "fsdp": "FULL_SHARD", "gpus": "8"}, "not both"),
        ({"config": "{not json"}, "not valid JSON"),
    ],
)
def test_bad_inputs_get_a_message_in_a_422_fragment_and_api(client, query, message):
    response = client.get(FRAGMENT + "?" + urlencode({"model": LLAMA, **query}))
    assert response.status_code == 422 and message in unescape(response.content.decode())
    api = client.get(API + "?" + urlencode({"model": LLAMA, **query}))
    assert api.status_code == 422 and message in api.json()["detail"]


def test_a_local_path_is_not_read_by_the_server(client, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "llama"}))
    response = client.get(API + "?" + urlencode({"model": str(tmp_path)}))
    assert response.status_code == 422


def test_the_api_returns_the_engines_json(client):
    response = client.get(API + "?" + urlencode({"model": LLAMA, "batch": 2, "seq": 1024, "zero": 3, "gpus": 8}))
    assert response.status_code == 200
    data = response.json()
    assert data == engine(batch=2, seq=1024, zero=3, gpus=8)
    assert {"peak_bytes", "fits", "breakdown"} <= set(data)


def test_a_request_link_fills_the_form(client):
    request = {"model": LLAMA, "batch": 3, "seq": 4096, "checkpointing": "full", "mixed_precision": True}
    html = client.get(PAGE + "?" + urlencode({"request": json.dumps(request)})).content.decode()
    assert 'name="batch" type="number" min="1" value="3"' in html
    assert "<option selected>full</option>" in html and 'id="vr-mixed" checked' in html


def test_an_embed_renders_the_bar_the_verdict_and_a_link_back(client):
    html = render_markdown(
        '```roofline:vram\n{"model": "meta-llama/Llama-3.1-8B", "batch": 1, "seq": 2048}\n```\n'
    ).html
    result = engine(batch=1, seq=2048)
    assert "<svg" in html and f"peak {binary(result['peak_bytes'])} per GPU" in text_of(html)
    assert "/tools/vram/?request=" in html


def test_a_rejected_embed_renders_the_error_box():
    html = render_markdown('```roofline:vram\n{"model": "meta-llama/Llama-3.1-8B", "tp": 3, "gpus": 3}\n```\n').html
    assert "embed-error" in html and "does not divide" in unescape(html)


def test_the_tool_is_listed_and_the_api_schema_lists_its_inputs(client):
    assert 'href="/tools/vram/"' in client.get("/tools/").content.decode()
    schema = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p["schema"]["type"] for p in schema["paths"]["/api/tools/vram"]["get"]["parameters"]}
    assert parameters["batch"] == "integer" and parameters["mixed_precision"] == "boolean"
    assert parameters["gpu_memory_utilization"] == "number" and parameters["fsdp"] == "string"
    assert {"model", "config", "request", "zero", "lora_rank", "kv_dtype"} <= set(parameters)
