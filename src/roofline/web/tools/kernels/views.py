"""The results browser (/tools/kernels/), one run, two runs side by side, and starting a run on a worker."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from roofline.kernels.export import launch_note
from roofline.kernels.names import BUILTIN_KERNELS
from roofline.web.jobs.actions import submit_job
from roofline.web.tools.catalog import TOOLS_BY_SLUG
from roofline.web.tools.kernels.charts import impl_chart
from roofline.web.tools.kernels.models import KernelRun
from roofline.web.tools.kernels.queries import FILTERS, compare_runs, filter_choices, filtered_results, filtered_runs

BUILTIN = BUILTIN_KERNELS
DTYPES = ("float32", "bfloat16", "float16")


def _filters(query) -> dict[str, str]:
    return {name: query.get(name, "").strip() for name in FILTERS}


def page(request: HttpRequest, start_error: str = "", status: int = 200) -> HttpResponse:
    filters = _filters(request.GET)
    runs = list(filtered_runs(filters)[:50])
    rows = list(filtered_results(filters)[:300])
    chart_run = runs[0] if runs else None
    context = {
        "tool": TOOLS_BY_SLUG["kernels"],
        "filters": filters,
        "filter_fields": [{"name": name, "values": values, "selected": filters[name]}
                          for name, values in filter_choices().items()],
        "runs": runs,
        "rows": rows,
        "chart_run": chart_run,
        "time_svg": impl_chart(chart_run.data, "median_s", "kernels-time", filters["dtype"] or None)
        if chart_run else "",
        "roofline_svg": impl_chart(chart_run.data, "roofline_fraction", "kernels-roof", filters["dtype"] or None)
        if chart_run else "",
        "builtin": BUILTIN,
        "dtypes": DTYPES,
        "start_error": start_error,
        "start_values": request.POST if request.method == "POST" else {},
    }  # fmt: skip
    return render(request, "tools/kernels/page.html", context, status=status)


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = get_object_or_404(KernelRun.objects.select_related("owner"), pk=run_id)
    data = run.data
    impls = list(dict.fromkeys(r["impl"] for r in data["results"]))
    cells = {(r["shape_label"], r["dtype"], r["impl"]): r for r in data["results"]}
    table = [
        {"shape": shape, "dtype": dtype, "cells": [cells.get((shape, dtype, impl)) for impl in impls]}
        for shape, dtype in dict.fromkeys((r["shape_label"], r["dtype"]) for r in data["results"])
    ]
    context = {
        "tool": TOOLS_BY_SLUG["kernels"], "run": run, "data": data, "impls": impls, "table": table,
        "time_svg": impl_chart(data, "median_s", "run-time"),
        "roofline_svg": impl_chart(data, "roofline_fraction", "run-roof"),
        "reasons": list(dict.fromkeys(f"{r['impl']}: {r['reason']}" for r in data["results"] if r.get("reason"))),
        "launch_notes": [f"{r['impl']} {r['shape_label']} {r['dtype']}: {launch_note(r)}"
                         for r in data["results"] if launch_note(r)],
    }  # fmt: skip
    return render(request, "tools/kernels/run.html", context)


def compare(request: HttpRequest) -> HttpResponse:
    context = {"tool": TOOLS_BY_SLUG["kernels"], "runs": KernelRun.objects.select_related("owner")[:200]}
    try:
        a_id, b_id = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        context["error"] = "Pick two runs to compare."
        return render(request, "tools/kernels/compare.html", context, status=200 if not request.GET else 422)
    a = KernelRun.objects.filter(pk=a_id).first()
    b = KernelRun.objects.filter(pk=b_id).first()
    if a is None or b is None:
        context["error"] = f"No run #{a_id if a is None else b_id}."
        return render(request, "tools/kernels/compare.html", context, status=404)
    context.update(a=a, b=b, lines=compare_runs(a, b))
    return render(request, "tools/kernels/compare.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Queue a benchmark of a built-in kernel on the site's worker (its GPU when it has one)."""
    fields = {
        "kernel": request.POST.get("kernel", ""),
        "shapes": [s.strip() for s in request.POST.get("shapes", "").split(",") if s.strip()] or None,
        "dtypes": request.POST.getlist("dtypes") or None,
        "impls": [s.strip() for s in request.POST.get("impls", "").split(",") if s.strip()] or None,
    }
    if fields["kernel"] not in BUILTIN:
        return page(request, f"Pick a built-in kernel ({', '.join(BUILTIN)}).", status=422)
    try:
        job = submit_job("kernels", {k: v for k, v in fields.items() if v is not None}, owner=request.user)
    except ValidationError as error:
        message = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        return page(request, message, status=422)
    return redirect("jobs:detail", job_id=job.id)
