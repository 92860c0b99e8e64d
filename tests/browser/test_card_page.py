"""The model card page in a real browser: fill the form, upload a config and an eval log, see the preview
update in place, download README.md, and the downloaded card round-trips through huggingface_hub."""

import json
import re

import pytest
from huggingface_hub import ModelCard
from playwright.sync_api import expect

from tests.cards.builders import LM_EVAL_METRICS, LM_EVAL_RESULTS, make_tiny_llama

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def config_file(tmp_path_factory):
    directory, _ = make_tiny_llama(tmp_path_factory.mktemp("tiny"))
    return directory / "config.json"


def test_fill_upload_preview_download_round_trip(page, live_url, console_errors, config_file, tmp_path):
    log = tmp_path / "results.json"
    log.write_text(json.dumps(LM_EVAL_RESULTS))
    page.goto(live_url + "/tools/card/")
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("…or upload its metadata files").set_input_files(str(config_file))
    preview = page.locator("#card-preview")
    expect(preview).to_contain_text("202,048 (202 k)")
    page.get_by_label("Eval logs").set_input_files(str(log))
    expect(preview.get_by_role("cell", name="hellaswag", exact=True).first).to_be_visible()
    page.get_by_label("License", exact=True).fill("apache-2.0")
    page.get_by_label("Intended use", exact=True).fill("Checking the card generator in a browser.")
    expect(preview).to_contain_text("Checking the card generator in a browser.")
    expect(page.locator("#card-markdown")).to_have_value(re.compile(r"license: apache-2.0"))
    page.get_by_role("button", name="Preview").click()
    expect(preview).to_contain_text("apache-2.0")
    assert page.evaluate("window.__sameDocument === true"), "the preview reloaded the page"

    with page.expect_download() as info:
        page.get_by_role("button", name="Download README.md").click()
    download = info.value
    assert download.suggested_filename == "README.md"
    card = ModelCard(open(download.path(), encoding="utf-8").read())
    assert card.data.license == "apache-2.0"
    results = {(r.dataset_name, r.metric_type, r.metric_config, r.metric_value) for r in card.data.eval_results}
    assert results == LM_EVAL_METRICS
    assert "Checking the card generator in a browser." in card.text
    assert console_errors == []
