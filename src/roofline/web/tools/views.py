"""The tools index and each tool's page (an honest "coming soon" until the tool is built)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.tools.catalog import TOOLS, TOOLS_BY_SLUG


def tool_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tools/index.html", {"tools": TOOLS})


def tool_page(request: HttpRequest, slug: str) -> HttpResponse:
    tool = TOOLS_BY_SLUG.get(slug)
    if tool is None:
        raise Http404(f"There is no tool called {slug!r}.")
    return render(request, "tools/coming_soon.html", {"tool": tool})
