"""The throughput page and its result fragment (the page swaps the fragment in as inputs change)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.hardware import UnknownAccelerator, UnsupportedDtype, list_accelerators
from roofline.modelspec import shipped_configs
from roofline.throughput import ThroughputError, compare_accelerators, estimate_throughput, sweep_batch
from roofline.web.tools.catalog import TOOLS_BY_SLUG
from roofline.web.tools.query import form_fields
from roofline.web.tools.throughput.charts import roofline_chart, sweep_chart
from roofline.web.tools.throughput.inputs import DEFAULT_MODEL, InputError, request_from_query

USER_ERRORS = (InputError, ThroughputError, UnknownAccelerator, UnsupportedDtype)


def result_context(query) -> dict:
    """Everything the result fragment shows, or {"error": message} for inputs the estimator cannot use."""
    try:
        request = request_from_query(query)
        result = estimate_throughput(request, allow_local_files=False).to_dict()
        sweep = sweep_batch(request, allow_local_files=False)
        comparison = compare_accelerators(request, allow_local_files=False)
    except USER_ERRORS as error:
        return {"error": str(error)}
    fields = {k: v for k, v in request.model_dump(exclude_none=True).items() if k != "config"}
    return {
        "result": result,
        "sweep": sweep,
        "comparison": comparison,
        "roofline_svg": roofline_chart(result),
        "sweep_svg": sweep_chart(sweep),
        "api_query": urlencode(fields) if request.config is None else "",
    }


def form_values(query) -> dict:
    """The form's fields for a URL's query: what the results show, so editing one field keeps the others (a
    `?request=<json>` link from an article fills every field; an accelerator alias selects its catalog entry)."""
    values = {
        "model": query.get("model", DEFAULT_MODEL), "config": query.get("config", ""),
        "gpu": query.get("gpu", "h100-sxm"), "gpus": query.get("gpus", "1"),
        "weights": query.get("weights", "bf16"), "kv_dtype": query.get("kv_dtype", "bf16"),
        "batch": query.get("batch", "1"), "context": query.get("context", "2048"),
        "prompt": query.get("prompt", "512"), "output": query.get("output", ""),
        "efficiency": query.get("efficiency", ""),
    }  # fmt: skip
    try:
        parsed = request_from_query(query)
    except InputError:
        return values  # the form shows what was typed, the results say what is wrong with it
    return {**values, **form_fields(query, parsed)}


def page(request: HttpRequest) -> HttpResponse:
    values = form_values(request.GET)
    context = {
        "tool": TOOLS_BY_SLUG["throughput"],
        "models": shipped_configs(),
        "accelerators": list_accelerators(),
        "values": values,
        "weight_formats": ["bf16", "fp16", "fp8", "int8", "int4"],
        "kv_formats": ["bf16", "fp16", "fp8", "int8"],
        **result_context(request.GET),
    }
    return render(request, "tools/throughput/page.html", context)


def result_fragment(request: HttpRequest) -> HttpResponse:
    context = result_context(request.GET)
    return render(request, "tools/throughput/_result.html", context, status=422 if "error" in context else 200)
