"""The eval pages: the form and your runs, a run's live progress then its scorecard, and comparisons."""

from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from roofline.evals import compare_scorecards
from roofline.web.tools.catalog import TOOLS_BY_SLUG
from roofline.web.tools.evals.actions import RunRefused, start_run
from roofline.web.tools.evals.charts import latency_chart, quality_chart
from roofline.web.tools.evals.forms import EvalForm
from roofline.web.tools.evals.models import EvalRun

MAX_COMPARED = 6


def page(request: HttpRequest) -> HttpResponse:
    form = EvalForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                run = start_run(form.request_fields(), form.cleaned_data.get("api_key") or None, request.user)
            except RunRefused as error:
                form.add_error(None, str(error))
            else:
                return redirect("tools:eval-run", run_id=run.id)
        form.data = form.data.copy()
        form.data["api_key"] = ""  # never echoed back into the page
    runs = EvalRun.objects.filter(owner=request.user)[:20] if request.user.is_authenticated else []
    context = {"tool": TOOLS_BY_SLUG["eval"], "form": form, "runs": runs}
    return render(request, "tools/eval/page.html", context, status=422 if form.errors else 200)


def _run(run_id: UUID) -> EvalRun:
    return get_object_or_404(EvalRun.objects.select_related("job", "owner"), pk=run_id)


def run_detail(request: HttpRequest, run_id: UUID) -> HttpResponse:
    """Anyone with the link sees a finished scorecard (the id is unguessable); the owner also sees live progress."""
    run = _run(run_id)
    card = run.scorecard
    context = {"tool": TOOLS_BY_SLUG["eval"], "run": run, "card": card, "job": run.job,
               "is_owner": request.user.is_authenticated and run.owner_id == request.user.pk}  # fmt: skip
    if card:
        context.update(scorecard_context(card, str(run.id)))
    return render(request, "tools/eval/run.html", context)


def scorecard_context(card: dict, ident: str) -> dict:
    labels = [card["model"]["name"]]
    return {
        "quality_svg": quality_chart([card], labels, f"q-{ident}"),
        "ttft_svg": latency_chart([card], labels, "ttft_s", f"t-{ident}"),
        "e2e_svg": latency_chart([card], labels, "e2e_s", f"e-{ident}"),
        "latency_rows": [
            (name, card["latency"][key])
            for key, name in (
                ("ttft_s", "TTFT (s)"),
                ("e2e_s", "E2E (s)"),
                ("tpot_s", "TPOT (s)"),
                ("itl_s", "ITL (s)"),
                ("output_tokens_per_s", "output tokens/s per request"),
            )
        ],  # fmt: skip
    }


def scorecard_json(request: HttpRequest, run_id: UUID) -> JsonResponse:
    run = _run(run_id)
    if not run.scorecard:
        raise Http404("This run has no scorecard yet.")
    response = JsonResponse(run.scorecard, json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="scorecard-{run.id}.json"'
    return response


def compare(request: HttpRequest) -> HttpResponse:
    ids = request.GET.getlist("runs")
    context: dict = {"tool": TOOLS_BY_SLUG["eval"], "ids": ids}
    try:
        uuids = [UUID(i) for i in ids][:MAX_COMPARED]
    except ValueError:
        uuids, context["error"] = [], "a run id in the link is malformed"
    runs = {str(r.id): r for r in EvalRun.objects.filter(pk__in=uuids, scorecard__isnull=False)}
    chosen = [runs[str(u)] for u in uuids if str(u) in runs]
    if len(chosen) < 2 and "error" not in context:
        context["error"] = "choose at least two finished runs to compare"
    if "error" not in context:
        cards = [r.scorecard for r in chosen]
        labels = [f"{r.model_name} ({str(r.id)[:8]})" for r in chosen]
        context.update(
            runs=list(zip(chosen, labels, strict=True)), comparison=compare_scorecards(cards),
            quality_svg=quality_chart(cards, labels, "cmp-q"), ttft_svg=latency_chart(cards, labels, "ttft_s", "cmp-t"),
            e2e_svg=latency_chart(cards, labels, "e2e_s", "cmp-e"),
        )  # fmt: skip
    return render(request, "tools/eval/compare.html", context, status=200 if "error" not in context else 422)
