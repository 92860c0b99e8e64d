"""Running one job inside a worker: start it, keep its heartbeat, call its kind's runner, record the outcome."""

import logging
import threading
from uuid import UUID

from django.conf import settings
from django.db import connection

from roofline.web.jobs.actions import beat, fail_job, finish_job, report_progress, start_job, worker_identity
from roofline.web.jobs.kinds import JobError, get_job_kind

logger = logging.getLogger(__name__)


class Heartbeat:
    """A daemon thread that refreshes a job's heartbeat every ROOFLINE_JOB_HEARTBEAT_SECONDS while it runs."""

    def __init__(self, job_id: UUID | str):
        self.job_id = job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.ROOFLINE_JOB_HEARTBEAT_SECONDS):
                beat(self.job_id)
        finally:
            connection.close()

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()


def execute_job(job_id: UUID | str) -> None:
    """Run a queued job to its end. Failures are recorded on the job, never raised to the task queue."""
    job = start_job(job_id, worker_identity())
    if job is None:
        logger.info("job %s is no longer queued; skipping it", job_id)
        return
    with Heartbeat(job.id):
        try:
            kind = get_job_kind(job.kind)
            request = kind.request_model.model_validate(job.request)
            result = kind.run(request, lambda fraction, message="": report_progress(job.id, fraction, message))
        except JobError as error:
            fail_job(job.id, str(error))
            return
        except Exception as error:
            logger.exception("job %s (%s) raised", job.id, job.kind)
            fail_job(job.id, f"Internal error: {type(error).__name__}: {error}")
            return
    finish_job(job.id, result)
