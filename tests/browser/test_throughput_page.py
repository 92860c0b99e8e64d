"""The throughput estimator in a real browser: results follow the inputs without a reload, the address bar
always reproduces what is shown, errors appear in place, and the charts stay visible in dark mode."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.defaultfilters import floatformat
from playwright.sync_api import expect

from roofline.throughput import ThroughputRequest, estimate_throughput

pytestmark = pytest.mark.browser

LLAMA = "meta-llama/Llama-3.1-8B"


def decode(**fields) -> tuple[str, str]:
    """The engine's decode tokens/s as the page prints them: per sequence (1 decimal), in total (whole)."""
    result = estimate_throughput(ThroughputRequest(model=LLAMA, **fields), allow_local_files=False).decode
    return floatformat(result["tokens_per_s_per_seq"], 1), floatformat(result["tokens_per_s"], 0)


def per_sequence(page):
    """The cell holding decode tokens/s per sequence."""
    return page.locator("#results").get_by_role("row", name=re.compile(r"^Decode, per sequence")).locator("td")


def total(page):
    """The row of decode tokens/s for the whole batch (its header names the batch)."""
    return page.locator("#results").get_by_role("row", name=re.compile(r"^Decode, all \d+ sequences?"))


def test_results_follow_the_inputs_without_a_reload_and_the_url_reproduces_them(page, live_url, console_errors):
    response = page.goto(live_url + "/tools/throughput/")
    assert response is not None and response.status == 200
    one_h100 = decode(gpu="h100-sxm")
    expect(per_sequence(page)).to_contain_text(f"{one_h100[0]} tokens/s")
    expect(total(page)).to_contain_text(f"{one_h100[1]} tokens/s")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    page.get_by_label("Batch", exact=True).fill("8")
    eight_h100 = decode(gpu="h100-sxm", batch=8)
    expect(total(page)).to_have_text(re.compile(rf"^Decode, all 8 sequences\s*{eight_h100[1]} tokens/s"))
    expect(per_sequence(page)).to_contain_text(f"{eight_h100[0]} tokens/s")
    assert eight_h100 != one_h100

    page.get_by_label("Accelerator", exact=True).select_option("h200")
    eight_h200 = decode(gpu="h200", batch=8)
    assert eight_h200 != eight_h100
    expect(per_sequence(page)).to_contain_text(f"{eight_h200[0]} tokens/s")
    expect(total(page)).to_contain_text(f"{eight_h200[1]} tokens/s")
    expect(page.locator("#results table.numbers caption").first).to_contain_text("NVIDIA H200")
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    page.get_by_role("button", name="Estimate").click()  # submitting re-fetches in place too
    page.wait_for_load_state("networkidle")
    expect(total(page)).to_contain_text(f"{eight_h200[1]} tokens/s")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded instead of updating in place"

    query = parse_qs(urlsplit(page.url).query)
    assert query["batch"] == ["8"] and query["gpu"] == ["h200"] and query["model"] == [LLAMA]
    assert urlsplit(page.url).path == "/tools/throughput/"
    expect(page.locator("#share-link")).to_have_attribute("href", "?" + urlsplit(page.url).query)

    shown = (per_sequence(page).inner_text(), total(page).inner_text())
    page.goto(page.url)
    assert page.evaluate("window.__sameDocument") is None  # a real reload
    assert (per_sequence(page).inner_text(), total(page).inner_text()) == shown
    expect(page.get_by_label("Batch", exact=True)).to_have_value("8")
    expect(page.get_by_label("Accelerator", exact=True)).to_have_value("h200")
    assert console_errors == []


def test_an_invalid_input_shows_its_message_in_place_and_a_fix_brings_the_numbers_back(page, live_url, console_errors):
    page.goto(live_url + "/tools/throughput/")
    expect(per_sequence(page)).to_be_visible()

    page.get_by_label("GPUs (tensor parallel)", exact=True).fill("0")
    alert = page.locator("#results").get_by_role("alert")
    expect(alert).to_contain_text("gpus: Input should be greater than or equal to 1")
    expect(per_sequence(page)).to_have_count(0)
    assert parse_qs(urlsplit(page.url).query)["gpus"] == ["0"]

    page.get_by_label("GPUs (tensor parallel)", exact=True).fill("2")
    expect(alert).to_have_count(0)
    expect(page.locator("#results table.numbers caption").first).to_contain_text("on 2 × NVIDIA H100")
    expect(per_sequence(page)).to_contain_text(f"{decode(gpu='h100-sxm', gpus=2)[0]} tokens/s")
    # The only console message allowed is the browser's own note of the 422 answer, not a script error.
    assert [e for e in console_errors if "status of 422" not in e] == []


def test_the_charts_stay_visible_in_dark_mode(page, live_url, console_errors):
    page.emulate_media(color_scheme="dark")
    page.goto(live_url + "/tools/throughput/")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(16, 18, 21)"

    charts = page.locator("#results svg.plot")
    expect(charts).to_have_count(2)
    for index in range(2):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        line = chart.locator("polyline").first
        stroke = line.evaluate("e => getComputedStyle(e).stroke")
        width = line.evaluate("e => parseFloat(getComputedStyle(e).strokeWidth)")
        assert stroke not in ("none", "transparent", "rgba(0, 0, 0, 0)", background), stroke
        assert re.fullmatch(r"rgb\(\d+, \d+, \d+\)", stroke), stroke  # opaque
        assert width > 0
        tick = chart.locator("text.plot-tick").first.evaluate("e => getComputedStyle(e).fill")
        assert tick not in ("none", background, "rgb(0, 0, 0)"), tick  # labels are not black on near-black
    point = charts.nth(0).locator("circle").first.evaluate("e => getComputedStyle(e).fill")
    assert point not in ("none", "rgba(0, 0, 0, 0)", background)
    assert console_errors == []
