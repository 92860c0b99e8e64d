"""Finding jobs whose worker died: a job is never left "running" after its worker is gone.

A running job records its worker as host:pid and a heartbeat refreshed every ROOFLINE_JOB_HEARTBEAT_SECONDS.
It is orphaned when its worker process on this host no longer exists (or is a zombie, or is a newer process
that reused the pid), or when its heartbeat is older than ROOFLINE_JOB_STALE_SECONDS (any host).
"""

import socket
from datetime import datetime, timedelta

import psutil
from django.conf import settings
from django.utils import timezone

from roofline.web.jobs.actions import fail_job
from roofline.web.jobs.models import Job


def _local_process_gone(worker: str, started_at: datetime | None) -> bool:
    """True when `worker` (host:pid) names this host and that process is not the one that started the job."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        process = psutil.Process(int(pid))
        if process.status() == psutil.STATUS_ZOMBIE:
            return True
        # A process created after the job started is another one that reused the pid.
        return started_at is not None and process.create_time() > started_at.timestamp() + 1.0
    except psutil.NoSuchProcess:
        return True


def orphan_reason(job: Job, now: datetime | None = None) -> str | None:
    """Why a running job can no longer finish, or None while its worker is alive."""
    if job.status != Job.Status.RUNNING:
        return None
    now = now or timezone.now()
    if _local_process_gone(job.worker, job.started_at):
        return (
            f"The worker process running this job ({job.worker}) exited before the job finished, "
            "so its result was lost. Submit the job again; if it keeps failing, check the worker's log."
        )
    stale_seconds = settings.ROOFLINE_JOB_STALE_SECONDS
    if job.heartbeat_at and job.heartbeat_at < now - timedelta(seconds=stale_seconds):
        return (
            f"The worker running this job ({job.worker}) sent no heartbeat for more than {stale_seconds:g} s "
            f"(last at {job.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC), so it is presumed dead. Submit the job again."
        )
    return None


def fail_if_orphaned(job: Job) -> bool:
    """Fail `job` when its worker is gone; True when it was failed now."""
    reason = orphan_reason(job)
    return reason is not None and fail_job(job.id, reason) is not None


def fail_orphaned_jobs() -> int:
    """Fail every running job whose worker is gone; returns how many were failed."""
    return sum(fail_if_orphaned(job) for job in Job.objects.filter(status=Job.Status.RUNNING))
