"""The tools index (each tool's own page lives in its package: tools/<tool>/views.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.tools.catalog import TOOLS


def tool_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tools/index.html", {"tools": TOOLS})
