"""The VRAM calculator page and its result fragment (the page swaps the fragment in as inputs change)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.hardware import UnknownAccelerator, list_accelerators
from roofline.modelspec import shipped_configs
from roofline.vram import VramError, VramRequest, estimate_vram
from roofline.web.tools.catalog import TOOLS_BY_SLUG
from roofline.web.tools.query import InputError, form_fields
from roofline.web.tools.vram.charts import breakdown_bar
from roofline.web.tools.vram.inputs import DEFAULT_MODEL, FIELDS, request_from_query

USER_ERRORS = (InputError, VramError, UnknownAccelerator)
CHOICES = {
    "mode": ["train", "infer"], "param_dtype": ["bf16", "fp32"], "optimizer": ["adamw", "sgd", "adam8bit", "adafactor"],
    "attention": ["sdpa", "eager"], "checkpointing": ["none", "selective", "full"], "zero": ["0", "1", "2", "3"],
    "fsdp": ["", "FULL_SHARD", "SHARD_GRAD_OP", "HYBRID_SHARD", "NO_SHARD"],
    "weights": ["bf16", "fp16", "fp8", "int8", "int4"], "kv_dtype": ["bf16", "fp16", "fp8", "int8"],
}  # fmt: skip


def _query_of(request: VramRequest) -> str:
    fields = request.model_dump(exclude_none=True, exclude_defaults=True)
    fields.pop("config", None)
    fields.setdefault("model", request.model)
    return urlencode({k: ("on" if v is True else v) for k, v in fields.items() if v is not False})


def result_context(query) -> dict:
    """Everything the result fragment shows, or {"error": message} for inputs the calculator cannot use."""
    try:
        request = request_from_query(query)
        result = estimate_vram(request, allow_local_files=False).to_dict()
    except USER_ERRORS as error:
        return {"error": str(error)}
    for suggestion in result["suggestions"]:
        changed = VramRequest.model_validate({**request.model_dump(), **suggestion["request"]})
        suggestion["url"] = "?" + _query_of(changed) if request.config is None else ""
    return {
        "result": result,
        "bar_svg": breakdown_bar(result),
        "api_query": _query_of(request) if request.config is None else "",
    }


def form_values(query) -> dict:
    """The form's fields for a URL's query, so a shared link (or `?request=<json>`) fills every field."""
    values = {name: query.get(name, "") for name in (*FIELDS, "config")}
    try:
        parsed = request_from_query(query)
    except InputError:
        return values  # the form shows what was typed; the results say what is wrong with it
    return {**values, **form_fields(query, parsed)}


def page(request: HttpRequest) -> HttpResponse:
    context = {
        "tool": TOOLS_BY_SLUG["vram"],
        "models": shipped_configs(),
        "accelerators": list_accelerators(),
        "values": form_values(request.GET),
        "choices": CHOICES,
        "default_model": DEFAULT_MODEL,
        **result_context(request.GET),
    }
    return render(request, "tools/vram/page.html", context)


def result_fragment(request: HttpRequest) -> HttpResponse:
    context = result_context(request.GET)
    return render(request, "tools/vram/_result.html", context, status=422 if "error" in context else 200)
