"""A running job whose worker is gone is failed with a reason, never left running forever."""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from roofline.web.jobs.actions import start_job, submit_job
from roofline.web.jobs.liveness import fail_orphaned_jobs, orphan_reason
from roofline.web.jobs.models import Job

pytestmark = pytest.mark.django_db
HOST = socket.gethostname()


def running_job(owner, worker: str) -> Job:
    job = submit_job("selfcheck", {}, owner=owner)
    return start_job(job.id, worker)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_local_worker_process_exited_is_failed_with_the_reason(member):
    job = running_job(member, f"{HOST}:{dead_pid()}")

    assert fail_orphaned_jobs() == 1

    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert "exited before the job finished" in job.error and job.worker in job.error


def test_a_job_with_a_live_worker_and_fresh_heartbeat_keeps_running(member):
    job = running_job(member, f"{HOST}:{os.getpid()}")
    assert orphan_reason(job) is None
    assert fail_orphaned_jobs() == 0
    assert Job.objects.get(pk=job.pk).status == "running"


def test_a_job_whose_heartbeat_is_stale_is_failed_even_on_another_host(member, settings):
    job = running_job(member, "some-other-host:123")
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ROOFLINE_JOB_STALE_SECONDS + 1)
    )
    assert fail_orphaned_jobs() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "sent no heartbeat" in job.error


def test_a_pid_reused_by_a_newer_process_counts_as_the_worker_gone(member):
    # This test process is alive, but it was created long after a job that started 30 years ago: not its worker.
    job = running_job(member, f"{HOST}:{os.getpid()}")
    job.started_at = timezone.now() - timedelta(days=365 * 30)
    assert "exited before the job finished" in orphan_reason(job)


def test_queued_and_finished_jobs_are_left_alone(member):
    queued = submit_job("selfcheck", {}, owner=member)
    assert orphan_reason(queued) is None
    assert fail_orphaned_jobs() == 0
