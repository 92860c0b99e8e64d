"""The eval scorecard in the JSON API: start a site run (members), read a scorecard, compare scorecards."""

from uuid import UUID

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from roofline.evals import compare_scorecards
from roofline.web.tools.evals.actions import RunRefused, start_run
from roofline.web.tools.evals.models import EvalRun

router = Router(tags=["eval"])


class RunSubmission(Schema):
    request: dict
    api_key: str | None = None


class RunOut(Schema):
    run: UUID
    job: UUID
    url: str


@router.post("/eval/runs", response={201: RunOut}, auth=django_auth)
def create_run(request, submission: RunSubmission):
    """Start a server-side run of the request JSON (as the CLI takes it); `api_key` is used for the run only."""
    try:
        run = start_run(submission.request, submission.api_key, request.user)
    except RunRefused as error:
        raise HttpError(422, str(error)) from None
    return Status(201, {"run": run.id, "job": run.job_id, "url": f"/tools/eval/runs/{run.id}/"})


@router.get("/eval/runs/{run_id}", response=dict)
def read_scorecard(request, run_id: UUID):
    """A finished run's scorecard (roofline.scorecard/1); 404 until it has one."""
    run = EvalRun.objects.filter(pk=run_id, scorecard__isnull=False).first()
    if run is None:
        raise HttpError(404, "No finished eval run with this id.")
    return run.scorecard


@router.get("/eval/compare", response=dict)
def compare_runs(request, runs: str):
    """Side-by-side rows of two or more finished runs: `runs` is a comma-separated list of run ids."""
    try:
        ids = [UUID(i) for i in runs.split(",") if i.strip()]
    except ValueError:
        raise HttpError(422, "runs: comma-separated run ids") from None
    found = {r.id: r.scorecard for r in EvalRun.objects.filter(pk__in=ids, scorecard__isnull=False)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise HttpError(404, f"no finished eval run {', '.join(missing)}")
    try:
        return compare_scorecards([found[i] for i in ids])
    except ValueError as error:
        raise HttpError(422, str(error)) from None
