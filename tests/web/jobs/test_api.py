"""The jobs API: members submit and read their own jobs; everyone else is refused."""

import json
import socket
import subprocess
import sys

import pytest
from django.test import Client

from roofline.web.jobs.actions import start_job, submit_job
from roofline.web.jobs.models import Job
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db


def post_job(client: Client, body: dict):
    return client.post(
        "/api/jobs/", json.dumps(body), content_type="application/json", headers={"X-CSRFToken": csrf_token_of(client)}
    )


def test_a_member_submits_a_job_and_reads_it_back(member_client, member):
    response = post_job(member_client, {"kind": "selfcheck", "request": {"steps": 2}})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued" and body["owner"] == "ada" and body["request"]["steps"] == 2
    read = member_client.get(f"/api/jobs/{body['id']}").json()
    assert read["id"] == body["id"] and read["last_seq"] == 1
    events = member_client.get(f"/api/jobs/{body['id']}/events?after=0").json()
    assert [e["seq"] for e in events] == [1]
    assert [job["id"] for job in member_client.get("/api/jobs/").json()] == [body["id"]]


def test_visitors_cannot_submit_jobs():
    response = Client().post("/api/jobs/", {"kind": "selfcheck"}, content_type="application/json")
    assert response.status_code == 401
    assert not Job.objects.exists()


def test_a_submission_without_the_csrf_token_is_refused(member_client):
    response = member_client.post("/api/jobs/", {"kind": "selfcheck"}, content_type="application/json")
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_bad_submissions_get_a_422_that_says_what_is_wrong(member_client):
    unknown = post_job(member_client, {"kind": "teleport", "request": {}})
    assert unknown.status_code == 422 and "unknown job kind 'teleport'" in unknown.json()["detail"]

    invalid = post_job(member_client, {"kind": "selfcheck", "request": {"steps": -3}})
    assert invalid.status_code == 422
    assert "steps" in invalid.json()["detail"] and "greater than or equal to 1" in invalid.json()["detail"]
    assert not Job.objects.exists()


def test_another_members_job_is_not_found(member_client, other_member):
    job = submit_job("selfcheck", {}, owner=other_member)
    assert member_client.get(f"/api/jobs/{job.id}").status_code == 404
    assert member_client.get(f"/api/jobs/{job.id}/events").status_code == 404
    assert member_client.get(f"/jobs/{job.id}/").status_code == 404


def test_staff_can_read_any_job(member_client, member, other_member):
    member.is_staff = True
    member.save()
    job = submit_job("selfcheck", {}, owner=other_member)
    assert member_client.get(f"/api/jobs/{job.id}").status_code == 200


def test_reading_a_job_whose_worker_died_reports_it_failed_with_the_reason(member_client, member):
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    job = submit_job("selfcheck", {}, owner=member)
    start_job(job.id, f"{socket.gethostname()}:{process.pid}")

    body = member_client.get(f"/api/jobs/{job.id}").json()

    assert body["status"] == "failed" and "exited before the job finished" in body["error"]


def test_the_job_page_shows_the_job_and_streams_from_its_socket(member_client, member):
    job = submit_job("selfcheck", {}, owner=member)
    page = member_client.get(f"/jobs/{job.id}/")
    assert page.status_code == 200
    assert f'data-job-id="{job.id}"' in page.text and "roofline/js/job.js" in page.text


@pytest.mark.parametrize(
    ("url", "linked"),
    [("/tools/kernels/runs/7/", True), ("//evil.example/x", False), ("javascript:alert(1)", False), (None, False)],
)
def test_a_finished_jobs_page_links_to_where_its_tool_shows_the_result(member_client, member, url, linked):
    job = submit_job("selfcheck", {}, owner=member)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=1.0, result={"url": url})

    page = member_client.get(f"/jobs/{job.id}/").text

    link = '<p id="job-open"><a class="button" href="/tools/kernels/runs/7/">Open the result</a></p>'
    assert (link in page) is linked
    assert ('id="job-open" hidden' in page) is not linked
