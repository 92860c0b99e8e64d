"""The VRAM calculator in a real browser: fill the form, see the bar and the verdict change in place, and the
address bar reproduce what is shown."""

import re

import pytest
from playwright.sync_api import expect

from roofline.units import binary
from roofline.vram import VramRequest, estimate_vram

pytestmark = pytest.mark.browser

LLAMA = "meta-llama/Llama-3.1-8B"


def peak(**fields) -> str:
    return binary(estimate_vram(VramRequest(model=LLAMA, **fields), allow_local_files=False).peak_bytes)


def test_filling_the_form_updates_the_bar_and_the_verdict_in_place(page, live_url, console_errors):
    response = page.goto(live_url + "/tools/vram/")
    assert response is not None and response.status == 200
    verdict = page.locator("#vram-verdict")
    expect(page.locator("#results svg.plot rect").first).to_be_visible()
    expect(page.locator("#results")).to_contain_text(f"peak {peak()} per GPU")
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Batch (micro-batch per GPU / sequences)").fill("2")
    page.get_by_label("Sequence length").fill("8192")
    expect(verdict).to_have_text("Does not fit")
    expect(page.locator("#results")).to_contain_text(f"peak {peak(batch=2, seq=8192)} per GPU")
    expect(page.locator("#results")).to_contain_text("What would make it fit")

    page.get_by_label("Checkpointing").select_option("full")
    expect(verdict).to_have_text("Fits")
    expect(page.locator("#results")).to_contain_text(f"peak {peak(batch=2, seq=8192, checkpointing='full')} per GPU")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded instead of updating in place"
    assert re.search(r"batch=2.*seq=8192.*checkpointing=full", page.url)

    page.goto(page.url)  # the address reproduces the result
    expect(page.locator("#vram-verdict")).to_have_text("Fits")
    expect(page.get_by_label("Checkpointing")).to_have_value("full")
    assert console_errors == []


def test_an_impossible_setting_shows_its_message_in_place(page, live_url):
    page.goto(live_url + "/tools/vram/")
    page.get_by_label("GPUs").fill("3")
    page.get_by_label("Tensor parallel").fill("3")
    expect(page.locator("#results [role=alert]")).to_contain_text("does not divide the 32 attention heads")
