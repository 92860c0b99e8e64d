"""```roofline:scorecard blocks in articles: {"run": "<run id>"} shows that stored scorecard's key numbers."""

from uuid import UUID

from django.template.loader import render_to_string

from roofline.web.markdown.embeds import EmbedError, register_embed
from roofline.web.tools.evals.charts import quality_chart
from roofline.web.tools.evals.models import EvalRun


@register_embed("scorecard")
def render_scorecard(request: dict) -> str:
    try:
        run_id = UUID(str(request.get("run", "")))
    except ValueError:
        raise EmbedError('give the run id of a finished eval run: {"run": "<uuid>"}') from None
    run = EvalRun.objects.filter(pk=run_id, scorecard__isnull=False).first()
    if run is None:
        raise EmbedError(f"no finished eval run {run_id}")
    card = run.scorecard
    context = {"card": card, "run": run, "quality_svg": quality_chart([card], [card["model"]["name"]],
                                                                      f"embed-q-{str(run.id)[:8]}")}  # fmt: skip
    return render_to_string("tools/eval/_embed.html", context)
