"""Jobs in the JSON API: submit, read, list, and read events after a sequence number."""

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import ValidationError

from roofline.web.jobs.access import events_after, visible_job
from roofline.web.jobs.actions import submit_job
from roofline.web.jobs.kinds import UnknownJobKind
from roofline.web.jobs.liveness import fail_if_orphaned
from roofline.web.jobs.models import Job

router = Router(tags=["jobs"], auth=django_auth)


class JobSubmission(Schema):
    kind: str
    request: dict = {}


class JobOut(Schema):
    id: UUID
    kind: str
    request: dict
    status: str
    progress: float
    message: str
    result: dict | None
    error: str
    owner: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    last_seq: int


class JobEventOut(Schema):
    type: str
    seq: int
    status: str
    progress: float
    message: str
    at: datetime


def _readable(request, job_id: UUID) -> Job:
    job = visible_job(job_id, request.user)
    if job is None:
        raise HttpError(404, "No job with this id is visible to you.")
    if fail_if_orphaned(job):
        job.refresh_from_db()
    return job


@router.post("/", response={201: JobOut})
def create_job(request, submission: JobSubmission):
    """Queue a job of `kind` with its tool's `request`; progress streams at /ws/jobs/{id}/."""
    try:
        job = submit_job(submission.kind, submission.request, owner=request.user)
    except UnknownJobKind as error:
        raise HttpError(422, str(error)) from None
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        raise HttpError(422, f"Invalid request for {submission.kind}: {problems}") from None
    return Status(201, job.to_dict())


@router.get("/", response=list[JobOut])
def list_jobs(request, limit: int = 50):
    """Your most recent jobs, newest first."""
    jobs = Job.objects.filter(owner=request.user).select_related("owner")[: max(1, min(limit, 200))]
    return [job.to_dict() for job in jobs]


@router.get("/{job_id}", response=JobOut)
def read_job(request, job_id: UUID):
    """One job: status, progress, result or error. A job whose worker died is failed here with the reason."""
    return _readable(request, job_id).to_dict()


@router.get("/{job_id}/events", response=list[JobEventOut])
def read_job_events(request, job_id: UUID, after: int = 0):
    """The job's progress events numbered above `after`, in order."""
    return events_after(_readable(request, job_id).pk, after)
