"""The job page: a live progress bar fed by the job's WebSocket, then the result."""

import json
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from roofline.web.jobs.access import visible_job
from roofline.web.jobs.liveness import fail_if_orphaned


@login_required
def job_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = visible_job(job_id, request.user)
    if job is None:
        raise Http404("No job with this id is visible to you.")
    if fail_if_orphaned(job):
        job.refresh_from_db()
    result_json = json.dumps(job.result, indent=2) if job.result is not None else ""
    return render(request, "jobs/detail.html", {"job": job, "result_json": result_json, "result_url": result_url(job)})


def result_url(job) -> str | None:
    """Where the tool that ran the job shows its result: the result's "url", if it is a path on this site."""
    url = job.result.get("url") if isinstance(job.result, dict) else None
    return url if isinstance(url, str) and url.startswith("/") and not url.startswith("//") else None
