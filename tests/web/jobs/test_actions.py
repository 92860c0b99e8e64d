"""Job writes: each change is numbered, terminal states are final, bad submissions are refused clearly."""

import pytest
from pydantic import ValidationError

from roofline.web.jobs.actions import fail_job, finish_job, report_progress, start_job, submit_job
from roofline.web.jobs.kinds import UnknownJobKind
from roofline.web.jobs.models import Job

pytestmark = pytest.mark.django_db


def events(job):
    return [(e.seq, e.status, e.progress, e.message) for e in job.events.order_by("seq")]


def test_a_submitted_job_is_queued_with_its_validated_request_and_first_event(member):
    job = submit_job("selfcheck", {"steps": 3}, owner=member)

    assert job.status == Job.Status.QUEUED
    assert job.request == {"steps": 3, "delay_seconds": 0.2}  # defaults filled in, as the worker will see it
    assert events(job) == [(1, "queued", 0.0, "Waiting for a worker")]


def test_every_change_appends_the_next_numbered_event_in_order(member):
    job = submit_job("selfcheck", {"steps": 2}, owner=member)
    start_job(job.id, "host:1")
    report_progress(job.id, 0.5, "half")
    report_progress(job.id, 1.0, "all")
    finish_job(job.id, {"answer": 42})

    job.refresh_from_db()
    assert events(job) == [
        (1, "queued", 0.0, "Waiting for a worker"),
        (2, "running", 0.0, "Started"),
        (3, "running", 0.5, "half"),
        (4, "running", 1.0, "all"),
        (5, "succeeded", 1.0, "Done"),
    ]
    assert job.last_seq == 5 and job.result == {"answer": 42}
    assert job.started_at <= job.finished_at


def test_progress_is_clamped_to_the_unit_interval(member):
    job = submit_job("selfcheck", {}, owner=member)
    start_job(job.id, "host:1")
    report_progress(job.id, 7.0)
    assert Job.objects.get(pk=job.pk).progress == 1.0
    report_progress(job.id, -1.0)
    assert Job.objects.get(pk=job.pk).progress == 0.0


def test_a_finished_job_ignores_later_progress_results_and_failures(member):
    job = submit_job("selfcheck", {}, owner=member)
    start_job(job.id, "host:1")
    assert fail_job(job.id, "the worker died") is not None

    assert report_progress(job.id, 0.9, "late") is False
    assert finish_job(job.id, {"late": True}) is None
    assert fail_job(job.id, "another reason") is None
    job.refresh_from_db()
    assert (job.status, job.error, job.result) == ("failed", "the worker died", None)


def test_a_job_starts_once_only(member):
    job = submit_job("selfcheck", {}, owner=member)
    assert start_job(job.id, "host:1") is not None
    assert start_job(job.id, "host:2") is None
    assert Job.objects.get(pk=job.pk).worker == "host:1"


def test_an_unknown_kind_is_refused_with_the_known_kinds_named(member):
    with pytest.raises(UnknownJobKind, match="unknown job kind 'nope'.*selfcheck"):
        submit_job("nope", {}, owner=member)
    assert not Job.objects.exists()


def test_an_invalid_request_is_refused_before_anything_is_stored(member):
    with pytest.raises(ValidationError):
        submit_job("selfcheck", {"steps": 0}, owner=member)
    assert not Job.objects.exists()
