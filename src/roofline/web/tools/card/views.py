"""The model card page: the form (a Hub id or metadata files, eval logs, the answers), a live preview of the
card through the site's Markdown renderer beside its raw Markdown, and the download."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from roofline.cards import CardError, CardResult, generate_card
from roofline.cards.answers import CardAnswers
from roofline.web.markdown import render_markdown
from roofline.web.tools.card.inputs import (
    MAX_LOG_UPLOAD_BYTES,
    MAX_METADATA_UPLOAD_BYTES,
    InputError,
    request_from_form,
)
from roofline.web.tools.catalog import TOOLS_BY_SLUG

USER_ERRORS = (InputError, CardError)
LONG_ANSWERS = ("summary", "intended_use", "out_of_scope_use", "training_data", "training_procedure", "limitations",
                "recommendations", "ethical_considerations", "how_to_use", "citation")  # fmt: skip


def split_card(result: CardResult) -> tuple[str, str]:
    """(front matter YAML, body HTML): the body through the site's one Markdown renderer (sanitised)."""
    _, front, body = result.markdown.split("---\n", 2)
    return front, render_markdown(body).html


def card_context(request: HttpRequest) -> dict:
    """The preview's context, or {"error": message}."""
    try:
        result = generate_card(request_from_form(request.POST, request.FILES), allow_local_files=False)
    except USER_ERRORS as error:
        return {"error": str(error)}
    front, preview = split_card(result)
    return {"result": result, "front_matter": front, "preview": preview}


def _fields(values) -> list[dict]:
    """The answers fields of the form, with what was typed (a POST without JavaScript shows them again)."""
    return [
        {"name": name, "label": name.replace("_", " ").capitalize(), "long": name in LONG_ANSWERS,
         "help": field.description or "", "value": values.get(name, "")}
        for name, field in CardAnswers.model_fields.items()
    ]  # fmt: skip


@require_http_methods(["GET", "POST"])
def page(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST (without JavaScript): the form again, with its preview."""
    context = {
        "tool": TOOLS_BY_SLUG["card"],
        "fields": _fields(request.POST),
        "checkpoint": request.POST.get("checkpoint", ""),
        "caps": {"metadata_mib": MAX_METADATA_UPLOAD_BYTES // 2**20, "log_mib": MAX_LOG_UPLOAD_BYTES // 2**20},
    }
    status = 200
    if request.method == "POST":
        context.update(card_context(request))
        status = 422 if "error" in context else 200
    return render(request, "tools/card/page.html", context, status=status)


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    context = card_context(request)
    return render(request, "tools/card/_result.html", context, status=422 if "error" in context else 200)


@require_POST
def download(request: HttpRequest) -> HttpResponse:
    try:
        result = generate_card(request_from_form(request.POST, request.FILES), allow_local_files=False)
    except USER_ERRORS as error:
        return HttpResponse(f"The card could not be made: {error}\n", status=422, content_type="text/plain")
    response = HttpResponse(result.markdown, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="README.md"'
    return response
