"""The attention inspector's page: a form that submits a run, then the layers × heads grid and one head's heatmap
(drawn by static/roofline/js/attention.js from the API's JSON)."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.tools.attention.policy import offered_models
from roofline.web.tools.catalog import TOOLS_BY_SLUG

METRICS = [
    ("induction", "induction (probe)"), ("induction_text", "induction (this text)"),
    ("previous_token", "previous token"), ("duplicate_token", "duplicate token"), ("self", "self"),
    ("sink", "sink α₀ (first token)"), ("special_mass", "mass on special tokens"), ("entropy", "entropy (normalised)"),
]  # fmt: skip


def _prefill(query) -> dict:
    """Form values from `?request=<json>` (an article's "open in the tool" link), else defaults."""
    values = {"model": offered_models()[0] if offered_models() else "", "text": "", "probe": False, "probe_block": 32}
    try:
        asked = json.loads(query.get("request", "{}"))
    except json.JSONDecodeError:
        asked = {}
    if isinstance(asked, dict):
        values.update({k: asked[k] for k in values if k in asked})
    return values


def page(request: HttpRequest) -> HttpResponse:
    return render(
        request, "tools/attention/page.html",
        {
            "tool": TOOLS_BY_SLUG["attention"], "models": offered_models(), "values": _prefill(request.GET),
            "any_hub_id": settings.ROOFLINE_ATTENTION_ALLOW_HUB, "max_tokens": settings.ROOFLINE_ATTENTION_MAX_TOKENS,
            "metrics": METRICS,
        },
    )  # fmt: skip
