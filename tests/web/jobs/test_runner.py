"""Running a job in a worker: results, user-facing failures and crashes all end on the Job record."""

import pytest
from pydantic import BaseModel

from roofline.web.jobs.actions import submit_job
from roofline.web.jobs.kinds import JobError, register_job_kind
from roofline.web.jobs.models import Job
from roofline.web.jobs.runner import execute_job

pytestmark = pytest.mark.django_db


class Empty(BaseModel):
    pass


@register_job_kind("test.user_error", "Fails with a user-facing error", Empty)
def _user_error(request, progress):
    progress(0.5, "looking")
    raise JobError("Model 'nobody/nothing' was not found on the Hub. Check the id.")


@register_job_kind("test.crash", "Fails with a programming error", Empty)
def _crash(request, progress):
    return {}["missing"]


def test_a_selfcheck_job_runs_to_success_with_progress_for_every_step(member):
    job = submit_job("selfcheck", {"steps": 4, "delay_seconds": 0}, owner=member)

    execute_job(job.id)

    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 1.0
    assert job.result["steps"] == 4 and job.result["worker_pid"] > 0
    progress = [e.progress for e in job.events.filter(status="running").order_by("seq")][1:]
    assert progress == [0.25, 0.5, 0.75, 1.0]
    assert job.worker.endswith(f":{job.result['worker_pid']}")


def test_a_job_error_fails_the_job_with_its_message_as_is(member):
    job = submit_job("test.user_error", {}, owner=member)
    execute_job(job.id)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Model 'nobody/nothing' was not found on the Hub. Check the id."
    assert job.progress == 0.5  # the progress it had reached is kept


def test_a_crash_fails_the_job_naming_the_exception(member):
    job = submit_job("test.crash", {}, owner=member)
    execute_job(job.id)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Internal error: KeyError: 'missing'"


def test_a_job_that_is_no_longer_queued_is_not_run_again(member):
    job = submit_job("selfcheck", {"steps": 1, "delay_seconds": 0}, owner=member)
    execute_job(job.id)
    seq = Job.objects.get(pk=job.pk).last_seq
    execute_job(job.id)
    assert Job.objects.get(pk=job.pk).last_seq == seq
