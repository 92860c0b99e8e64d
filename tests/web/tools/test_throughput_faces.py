"""The throughput estimator's faces on the site: the page and its result fragment, the JSON API, and the
```roofline:throughput article embed. Each shows the engine's numbers, and bad input gets a message, never a 500."""

import builtins
import io
import json
import os
import re
from html import unescape
from importlib import resources

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils.html import escape

from roofline.hardware import list_accelerators
from roofline.throughput import ThroughputRequest, compare_accelerators, estimate_throughput, sweep_batch
from roofline.web.markdown import render_markdown

pytestmark = pytest.mark.django_db

LLAMA = "meta-llama/Llama-3.1-8B"
MISTRAL = "mistralai/Mistral-7B-v0.1"
PAGE, FRAGMENT, API = "/tools/throughput/", "/tools/throughput/result/", "/api/tools/throughput"
DOCUMENTED_KEYS = {
    "decode": ["tokens_per_s_per_seq", "tokens_per_s", "bytes_per_step", "flops_per_step", "bound"],
    "prefill": ["seconds"],
    "model": ["params_total", "params_active", "kv_bytes_per_token"],
}


def engine(**fields) -> dict:
    """What the engine says for `fields` (the page's defaults otherwise), as JSON would carry it."""
    request = ThroughputRequest(**{"model": LLAMA, **fields})
    return json.loads(json.dumps(estimate_throughput(request, allow_local_files=False).to_dict()))


def shipped_config(filename: str) -> str:
    return (resources.files("roofline.modelspec") / "configs" / filename).read_text()


def text_of(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def decode_numbers(result: dict) -> tuple[str, str]:
    """The two decode figures as the page prints them: per sequence (1 decimal) and in total (whole)."""
    decode = result["decode"]
    return floatformat(decode["tokens_per_s_per_seq"], 1), floatformat(decode["tokens_per_s"], 0)


def shows_decode(html: str, result: dict) -> bool:
    per_seq, total = decode_numbers(result)
    batch = result["decode"]["batch"]
    text = text_of(html)
    return (
        f"Decode, per sequence {per_seq} tokens/s" in text
        and f"Decode, all {batch} sequence{'s' if batch != 1 else ''} {total} tokens/s" in text
    )


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)  # a crash shows as a 500 the tests can see


@pytest.fixture
def no_hub(monkeypatch):
    """Fail loudly if anything tries the Hugging Face Hub (the tests use shipped configs only)."""

    def refuse(repo_id):
        raise AssertionError(f"the Hub was asked for {repo_id}")

    monkeypatch.setattr("roofline.modelspec.source._download", refuse)


# --- the page and its result fragment -----------------------------------------------------------------------


def test_the_page_with_no_inputs_estimates_llama_8b_on_h100_with_charts_comparison_assumptions_and_sources(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    expected = engine(gpu="h100")
    assert expected["accelerator"]["id"] == "h100-sxm"

    assert f"Upper bound (roofline) for {LLAMA} on 1 × NVIDIA H100 SXM5 80GB" in text_of(html)
    assert shows_decode(html, expected)
    assert f"Prefill of {expected['prefill']['tokens']} tokens (TTFT)" in text_of(html)

    charts = re.findall(r'<svg class="plot"[^>]*>\s*<title id="([^"]+)">([^<]+)</title>', html)
    assert [title for _, title in charts] == [
        "Roofline of NVIDIA H100 SXM5 80GB at bf16",
        "Decode at context 2048: per-sequence against total tokens/s",
    ]
    assert len({ident for ident, _ in charts}) == 2, "two charts on one page need distinct title ids"
    assert html.count("<polyline") >= 2

    comparison = re.search(r'<table class="numbers comparison">(.*?)</table>', html, re.S)
    assert comparison is not None
    rows = re.findall(r"<tr><td>([^<]+)</td>", comparison.group(1))
    assert rows == [unescape(escape(a.name)) for a in list_accelerators()]

    assert "<h2>Assumptions</h2>" in html and "<h2>Sources</h2>" in html
    for note in expected["assumptions"]:
        assert escape(note) in html
    for figure, source in expected["sources"].items():
        assert f"<strong>{escape(figure)}</strong>: {escape(source)}" in html
    assert f'href="/api/tools/throughput?model={LLAMA.replace("/", "%2F")}' in html


def test_the_form_shows_the_defaults_it_estimated(client):
    html = client.get(PAGE).text
    assert f'id="tp-model" name="model" list="tp-models" value="{LLAMA}"' in html
    assert '<option value="h100-sxm" selected>' in html
    assert re.search(r'id="tp-batch" name="batch" type="number" min="1" value="1"', html)


def test_the_fragment_follows_the_query_fields(client):
    one, eight = client.get(FRAGMENT), client.get(FRAGMENT, {"batch": "8"})
    assert one.status_code == eight.status_code == 200
    assert shows_decode(one.text, engine())
    assert shows_decode(eight.text, engine(batch=8))
    assert decode_numbers(engine()) != decode_numbers(engine(batch=8))

    fields = {"model": MISTRAL, "gpu": "h200", "weights": "int4", "kv_dtype": "fp8", "context": "8192", "output": "64"}
    response = client.get(FRAGMENT, fields)
    assert response.status_code == 200
    expected = engine(**fields)
    assert shows_decode(response.text, expected)
    assert "NVIDIA H200" in text_of(response.text) and "Whole request (512 in, 64 out)" in text_of(response.text)


def test_the_fragment_reads_a_whole_request_as_json(client):
    request = {"model": MISTRAL, "gpu": "b200", "batch": 4, "efficiency": 0.7}
    response = client.get(FRAGMENT, {"request": json.dumps(request)})
    assert response.status_code == 200
    assert shows_decode(response.text, engine(**request))
    assert "Efficiency factor 0.7 requested" in text_of(response.text)


def test_a_pasted_config_json_is_estimated_like_the_shipped_model(client):
    pasted = shipped_config("mistralai--Mistral-7B-v0.1.json")
    response = client.get(FRAGMENT, {"config": pasted, "model": ""})
    assert response.status_code == 200
    assert shows_decode(response.text, engine(model=MISTRAL))
    assert "Sliding-window layers cache and attend to at most their window of tokens." in text_of(response.text)

    # The form sends the model field too; a pasted config wins over it.
    both = client.get(FRAGMENT, {"config": pasted, "model": LLAMA})
    assert both.status_code == 200 and shows_decode(both.text, engine(model=MISTRAL))

    page = client.get(PAGE, {"config": pasted})
    assert page.status_code == 200 and shows_decode(page.text, engine(model=MISTRAL))
    assert "<details open>" in page.text and escape(pasted) in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"gpu": "h1OO"}, "Unknown accelerator 'h1OO'. Did you mean: h100-sxm"),
        ({"gpu": "/etc/custom.json"}, "Unknown accelerator '/etc/custom.json'"),
        ({"batch": "0"}, "batch: Input should be greater than or equal to 1"),
        ({"batch": "many"}, "batch: Input should be a valid integer"),
        ({"context": "-5"}, "context: Input should be greater than or equal to 0"),
        ({"gpus": "0"}, "gpus: Input should be greater than or equal to 1"),
        ({"efficiency": "2"}, "efficiency: Input should be less than or equal to 1"),
        ({"weights": "fp3"}, "weights: Input should be 'bf16', 'fp16', 'fp8', 'int8' or 'int4'"),
        ({"weights": "fp8", "gpu": "a100-80gb"}, "NVIDIA A100 SXM4 80GB (a100-80gb) has no dense fp8 peak"),
        ({"config": '{"model_type": "llama",'}, "the pasted config.json is not valid JSON"),
        ({"config": "[1, 2]"}, "config: Input should be a valid dictionary"),
        (
            {"config": '{"model_type": "llama", "hidden_size": 4096}'},
            "config.json lacks num_hidden_layers, num_attention_heads, vocab_size",
        ),
        ({"config": '{"hidden_size": 4096}'}, "config.json has no model_type"),
        ({"request": "{not json"}, "request is not valid JSON"),
        ({"request": '["a"]'}, "request must be a JSON object"),
        ({"request": '{"model": "meta-llama/Llama-3.1-8B", "bacth": 8}'}, "bacth: Extra inputs are not permitted"),
        ({"request": '{"gpu": "h100"}'}, "give exactly one of `model`"),
    ],
)
def test_bad_inputs_get_a_clear_message_in_a_422_fragment_never_a_500(client, no_hub, query, message):
    response = client.get(FRAGMENT, query)
    assert response.status_code == 422
    assert '<div class="embed-error" role="alert">' in response.text
    assert message in text_of(response.text)
    # The page itself still renders, with the message where the results would be.
    page = client.get(PAGE, query)
    assert page.status_code == 200 and message in text_of(page.text)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("num_hidden_layers", "32", 'num_hidden_layers is "32"; it must be a whole number from 1 to 10,000'),
        ("num_hidden_layers", 2.5, "num_hidden_layers is 2.5"),
        ("num_hidden_layers", 0, "num_hidden_layers is 0"),
        ("num_hidden_layers", 10**12, "num_hidden_layers is 1000000000000"),  # not a table of 10^12 layers
        ("hidden_size", 0, "hidden_size is 0"),
        ("num_attention_heads", 0, "num_attention_heads is 0"),
        ("num_key_value_heads", [8], "num_key_value_heads is [8]"),
        ("sliding_window", "4k", 'sliding_window is "4k"'),
        ("text_config", "llama", "text_config must be a JSON object"),
    ],
)
def test_a_pasted_config_with_a_mistyped_shape_field_is_refused_with_a_message(client, field, value, message):
    config = json.loads(shipped_config("mistralai--Mistral-7B-v0.1.json"))
    config[field] = value
    for path in (FRAGMENT, API):
        response = client.get(path, {"config": json.dumps(config)})
        assert response.status_code == 422, (path, response.status_code)
        assert message in text_of(response.text if path == FRAGMENT else response.json()["detail"])


@pytest.fixture
def file_system_watch(monkeypatch):
    """Every path the code under test stats or opens, recorded."""
    seen: list[str] = []

    def watch(original):
        def watched(path, *args, **kwargs):
            if isinstance(path, str | bytes | os.PathLike):
                seen.append(os.fsdecode(path))
            return original(path, *args, **kwargs)

        return watched

    for module, name in ((os, "stat"), (os, "lstat"), (os, "open"), (os, "scandir"), (os, "listdir")):
        monkeypatch.setattr(module, name, watch(getattr(module, name)))
    monkeypatch.setattr(io, "open", watch(io.open))
    monkeypatch.setattr(builtins, "open", watch(builtins.open))
    return seen


def test_a_local_path_as_model_is_refused_without_touching_the_file_system(client, tmp_path, no_hub, file_system_watch):
    llama = shipped_config("meta-llama--Llama-3.1-8B.json")
    (tmp_path / "config.json").write_text(llama)  # a valid config: reading it would have "worked"
    paths = ["/etc/passwd", "./var", "~/.ssh", str(tmp_path), str(tmp_path / "config.json")]
    forbidden = [os.path.abspath(os.path.expanduser(p)) for p in paths]
    file_system_watch.clear()

    markdown = "\n\n".join(f'```roofline:throughput\n{{"model": "{p}"}}\n```' for p in paths)
    rendered = render_markdown(markdown)
    for path in paths:
        for url in (FRAGMENT, API, API + "/sweep", API + "/compare"):
            response = client.get(url, {"model": path})
            assert response.status_code == 422, (url, path)
            assert "is not a shipped model or a Hub id" in response.text
        request = client.get(FRAGMENT, {"request": json.dumps({"model": path})})
        assert request.status_code == 422

    touched = {p for p in file_system_watch for f in forbidden if os.path.abspath(p) == f or p.startswith(f + os.sep)}
    assert touched == set()
    assert len(rendered.errors) == len(paths)
    assert rendered.html.count('class="embed-error"') == len(paths)


def test_an_accelerator_alias_in_the_url_selects_that_accelerator_in_the_form(client):
    html = client.get(PAGE, {"gpu": "a100", "batch": "3"}).text
    assert "NVIDIA A100 SXM4 80GB" in re.search(r"<caption>(.*?)</caption>", html).group(1)
    assert '<option value="a100-80gb" selected>' in html  # not H100 by default while the results say A100
    assert html.count(" selected>") == 3  # accelerator, weights, KV cache


def test_a_request_link_fills_the_form_with_that_request(client):
    request = {"model": MISTRAL, "gpu": "h200", "batch": 8, "weights": "int4", "context": 4096, "efficiency": 0.8}
    html = client.get(PAGE, {"request": json.dumps(request)}).text
    assert shows_decode(html, engine(**request))
    assert f'name="model" list="tp-models" value="{MISTRAL}"' in html
    assert '<option value="h200" selected>' in html and "<option selected>int4</option>" in html
    assert re.search(r'name="batch"[^>]*value="8"', html) and re.search(r'name="context"[^>]*value="4096"', html)
    assert re.search(r'name="efficiency"[^>]*value="0.8"', html)


# --- the JSON API -------------------------------------------------------------------------------------------


def test_the_api_returns_the_documented_keys_with_the_engines_numbers(client):
    response = client.get(API, {"model": LLAMA, "gpu": "h100", "batch": "8"})
    assert response.status_code == 200
    data = response.json()
    for section, keys in DOCUMENTED_KEYS.items():
        for key in keys:
            assert key in data[section], f"{section}.{key}"
    expected = engine(gpu="h100", batch=8)
    assert data == expected
    assert data["decode"]["tokens_per_s"] == pytest.approx(8 * data["decode"]["tokens_per_s_per_seq"])
    assert data["decode"]["bound"] == "memory"
    assert data["model"]["params_total"] == data["model"]["params_active"] == 8_030_261_248


def test_the_api_with_no_inputs_uses_the_pages_defaults_and_reads_a_request_json(client):
    assert client.get(API).json() == engine()
    request = {"model": MISTRAL, "gpu": "mi300x", "gpus": 2, "batch": 16, "output": 128}
    data = client.get(API, {"request": json.dumps(request)}).json()
    assert data == engine(**request)
    assert data["request_estimate"]["output"] == 128


def test_the_api_reads_a_pasted_config(client):
    data = client.get(API, {"config": shipped_config("mistralai--Mistral-7B-v0.1.json")}).json()
    expected = engine(model=MISTRAL)
    assert data["decode"] == expected["decode"] and data["prefill"] == expected["prefill"]
    assert data["model"]["params_total"] == expected["model"]["params_total"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"gpu": "h1OO"}, "Did you mean: h100-sxm"),
        ({"batch": "0"}, "batch: Input should be greater than or equal to 1"),
        ({"weights": "fp8", "gpu": "a100-80gb"}, "has no dense fp8 peak"),
        ({"model": "/etc/passwd"}, "'/etc/passwd' is not a shipped model or a Hub id"),
        ({"config": "{"}, "the pasted config.json is not valid JSON"),
    ],
)
def test_the_api_refuses_bad_input_with_422_and_the_message(client, no_hub, query, message):
    for path in (API, API + "/sweep", API + "/compare"):
        response = client.get(path, query)
        if path.endswith("/compare") and ("weights" in query or "gpu" in query):
            continue  # the comparison replaces the accelerator, and answers fp8 with a row per one lacking it
        assert response.status_code == 422, path
        assert message in response.json()["detail"]


def test_the_sweep_api_is_the_engines_batch_sweep(client):
    data = client.get(API + "/sweep", {"batch": "4", "points": "12"}).json()
    assert data == json.loads(json.dumps(sweep_batch(ThroughputRequest(model=LLAMA, batch=4), points=12)))
    assert 2 <= len(data["points"]) <= 12 and data["points"][0]["batch"] == 1
    assert data["points"][-1]["batch"] == max(data["max_batch_that_fits"], 256)
    totals = [p["tokens_per_s"] for p in data["points"]]
    assert totals == sorted(totals) and len(set(totals)) == len(totals)
    assert len(client.get(API + "/sweep", {"points": "100000"}).json()["points"]) <= 256


def test_the_compare_api_has_one_row_per_catalog_accelerator(client):
    rows = client.get(API + "/compare", {"weights": "fp8"}).json()
    assert [row["gpu"] for row in rows] == [a.id for a in list_accelerators()]
    assert rows == json.loads(json.dumps(compare_accelerators(ThroughputRequest(model=LLAMA, weights="fp8"))))
    by_id = {row["gpu"]: row for row in rows}
    assert "has no dense fp8 peak" in by_id["a100-80gb"]["error"] and "tokens_per_s" not in by_id["a100-80gb"]
    assert "error" not in by_id["h100-sxm"] and by_id["h100-sxm"]["tokens_per_s"] > 0


def test_the_openapi_schema_lists_the_three_endpoints_and_their_inputs(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (API, API + "/sweep", API + "/compare"):
        assert "get" in paths[path], path
        names = {parameter["name"] for parameter in paths[path]["get"]["parameters"]}
        assert {"model", "config", "request", "gpu", "gpus", "weights", "kv_dtype", "batch", "context"} <= names
    assert "points" in {parameter["name"] for parameter in paths[API + "/sweep"]["get"]["parameters"]}


# --- the article embed --------------------------------------------------------------------------------------


def test_an_embed_renders_the_numbers_the_roofline_and_a_link_that_reproduces_them(client):
    request = {"model": MISTRAL, "gpu": "h200", "batch": 8, "weights": "fp8"}
    rendered = render_markdown(f"Intro\n\n```roofline:throughput\n{json.dumps(request)}\n```\n\nAfter")
    assert rendered.errors == []
    html = rendered.html
    expected = engine(**request)
    assert shows_decode(html, expected)
    assert '<table class="numbers">' in html
    assert re.search(
        r'<svg class="plot"[^>]*>\s*<title id="embed-throughput-[0-9a-f]+-title">Roofline of NVIDIA H200', html
    )
    link = re.search(r'<a href="([^"]+)">Open in the throughput estimator</a>', html)
    assert link is not None
    url = unescape(link.group(1))
    assert url.startswith(PAGE + "?request=")

    page = client.get(url)
    assert page.status_code == 200
    assert shows_decode(page.text, expected)
    assert '<option value="h200" selected>' in page.text  # and the form holds the same inputs


def test_a_rejected_embed_request_renders_the_error_box(client):
    for request, message in (
        ({"model": LLAMA, "gpu": "h1OO"}, "Did you mean: h100-sxm"),
        ({"model": LLAMA, "batch": 0}, "batch: Input should be greater than or equal to 1"),
        ({"model": LLAMA, "gpu": "a100-80gb", "weights": "fp8"}, "has no dense fp8 peak"),
        ({"config": {"model_type": "llama"}}, "config.json lacks"),
    ):
        rendered = render_markdown(f"```roofline:throughput\n{json.dumps(request)}\n```")
        assert '<div class="embed-error" role="alert"><strong>roofline:throughput</strong>' in rendered.html
        assert message in unescape(rendered.html)
        assert len(rendered.errors) == 1 and message in rendered.errors[0]
        assert "<svg" not in rendered.html
