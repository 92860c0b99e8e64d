"""Every write to a job goes through here: each change is one transaction that updates the Job, appends a
numbered JobEvent and, once committed, announces it on the channel layer."""

import logging
import os
import socket
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from roofline.web.jobs.events import announce_job_event
from roofline.web.jobs.kinds import get_job_kind
from roofline.web.jobs.models import Job, JobEvent

logger = logging.getLogger(__name__)


def worker_identity() -> str:
    """host:pid of this process, as recorded on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _record(job: Job, **changes) -> Job:
    """Apply `changes` to a locked job, append the next event, and announce it after commit."""
    for field, value in changes.items():
        setattr(job, field, value)
    job.last_seq += 1
    job.save()
    JobEvent.objects.create(
        job=job, seq=job.last_seq, status=job.status, progress=job.progress, message=job.message[:500]
    )
    seq = job.last_seq
    transaction.on_commit(lambda: announce_job_event(job.id, seq))
    return job


def submit_job(kind: str, request: dict, owner=None) -> Job:
    """Validate `request` for `kind`, record a queued job and put it on the task queue.

    Raises UnknownJobKind or pydantic.ValidationError for a bad submission.
    """
    from roofline.web.jobs.tasks import run_job

    job_kind = get_job_kind(kind)
    validated = job_kind.request_model.model_validate(request)
    queue = settings.ROOFLINE_GPU_QUEUE if job_kind.wants_gpu and settings.ROOFLINE_GPU_QUEUE else "default"
    with transaction.atomic():
        job = Job(kind=kind, request=validated.model_dump(mode="json"), owner=owner)
        _record(job, message="Waiting for a worker" if queue == "default" else f"Waiting for a worker on {queue}")

        def enqueue() -> None:
            task_result = run_job.using(queue_name=queue).enqueue(str(job.id))
            Job.objects.filter(pk=job.pk).update(task_id=str(task_result.id))

        transaction.on_commit(enqueue)
    return job


def start_job(job_id: UUID | str, worker: str) -> Job | None:
    """Mark a queued job running on `worker`; None when it is no longer queued (finished or claimed)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.QUEUED:
            return None
        now = timezone.now()
        return _record(
            job, status=Job.Status.RUNNING, worker=worker, started_at=now, heartbeat_at=now, message="Started"
        )


def report_progress(job_id: UUID | str, fraction: float, message: str = "") -> bool:
    """Record progress (fraction 0..1, clamped) of a running job; False when the job is no longer running."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.status != Job.Status.RUNNING:
            return False
        _record(job, progress=min(max(float(fraction), 0.0), 1.0), message=message, heartbeat_at=timezone.now())
        return True


def finish_job(job_id: UUID | str, result: dict) -> Job | None:
    """Record a running job's result; None when it had already ended (for example failed as orphaned)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return None
        return _record(
            job, status=Job.Status.SUCCEEDED, progress=1.0, message="Done", result=result,
            finished_at=timezone.now(),
        )


def fail_job(job_id: UUID | str, error: str) -> Job | None:
    """Mark a job failed with a reason a user can read; None when it had already ended."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return None
        logger.warning("job %s failed: %s", job_id, error)
        return _record(
            job, status=Job.Status.FAILED, message="Failed", error=error, finished_at=timezone.now()
        )


def beat(job_id: UUID | str) -> None:
    """Refresh a running job's heartbeat (no event: a heartbeat changes nothing a user sees)."""
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
