"""The attention inspector in the JSON API: submit a run (a job), poll it, read its result, read one head's matrix.
Runs need a signed-in member (session or bearer token); a job is visible to its owner and staff."""

import base64
from uuid import UUID

from ninja import Body, Router, Status
from ninja.errors import HttpError
from pydantic import ValidationError

from roofline.attention import AttentionError
from roofline.web.discussions.api import WRITE_AUTH
from roofline.web.jobs.access import visible_job
from roofline.web.jobs.actions import submit_job
from roofline.web.jobs.liveness import fail_if_orphaned
from roofline.web.tools.attention.jobs import load_matrix, matrices_exist, removed_message
from roofline.web.tools.attention.policy import offered_models, site_request

router = Router(tags=["attention"])


def _job(request, job_id: UUID):
    job = visible_job(job_id, request.user)
    if job is None or job.kind != "attention":
        raise HttpError(404, "No attention run with this id is visible to you.")
    if fail_if_orphaned(job):
        job.refresh_from_db()
    return job


def _state(job) -> dict:
    return {
        "id": str(job.id), "status": job.status, "progress": job.progress, "message": job.message,
        "error": job.error, "request": job.request, "result": job.result,
        "head_url": f"/api/tools/attention/runs/{job.id}/heads/{{stack}}/{{layer}}/{{head}}",
    }  # fmt: skip


@router.get("/attention/models", response=dict, auth=None)
def attention_models(request):
    """The models this site offers, and whether it accepts other Hugging Face Hub ids."""
    from django.conf import settings

    return {
        "models": offered_models(), "any_hub_id": settings.ROOFLINE_ATTENTION_ALLOW_HUB,
        "max_tokens": settings.ROOFLINE_ATTENTION_MAX_TOKENS,
    }  # fmt: skip


@router.post("/attention/runs", response={201: dict}, auth=WRITE_AUTH)
def submit_attention(request, body: Body[dict]):
    """Queue an inspection (the request JSON the CLI takes); poll GET /attention/runs/{id} for progress."""
    try:
        checked = site_request(body)
        job = submit_job("attention", checked.model_dump(mode="json"), owner=request.user)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        raise HttpError(422, problems) from None
    except AttentionError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, _state(job))


@router.get("/attention/runs/{job_id}", response=dict, auth=WRITE_AUTH)
def attention_run(request, job_id: UUID):
    """A run's status and progress; once it succeeded, its result (every head's metrics and thumbnail)."""
    return _state(_job(request, job_id))


@router.get("/attention/runs/{job_id}/heads/{stack}/{layer}/{head}", response=dict, auth=WRITE_AUTH)
def attention_head(request, job_id: UUID, stack: str, layer: int, head: int):
    """One head's weights: `data` is base64 of row-major little-endian float32, `rows` × `cols`; when `pooled`,
    each cell holds the largest weight of its block of queries × keys (row r covers queries
    floor(r·T/rows) to ceil((r+1)·T/rows) - 1). 410 once the run's matrices were removed to save space (the
    run's result, with every head's metrics and thumbnail, stays)."""
    job = _job(request, job_id)
    if job.status != "succeeded":
        raise HttpError(409, f"The run has not succeeded (it is {job.status}).")
    name = job.result.get("matrices_file", "")
    if not matrices_exist(name):
        raise HttpError(410, removed_message(job))
    matrix = load_matrix(name, stack, layer, head)
    if matrix is None:
        raise HttpError(404, f"No head {stack} {layer}.{head} in this run.")
    queries = next(
        (item["queries"], item["keys"]) for item in job.result["layers"]
        if item["stack"] == stack and item["layer"] == layer
    )  # fmt: skip
    rows, cols = matrix.shape
    return {
        "stack": stack, "layer": layer, "head": head, "rows": rows, "cols": cols, "queries": queries[0],
        "keys": queries[1], "pooled": (rows, cols) != tuple(queries), "max": float(matrix.max()),
        "data": base64.b64encode(matrix.astype("<f4").tobytes()).decode("ascii"),
    }  # fmt: skip
