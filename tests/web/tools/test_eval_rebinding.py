"""Site eval runs check the address of every connection with the endpoint policy (policy.check_address), not only
the name at submission and job start: a name that resolves to a public address for both checks and to loopback
when the worker connects (DNS rebinding) reaches nothing; an allow-listed name still works."""

import pytest
from django.test import override_settings

from roofline.web.jobs.models import Job
from tests.evals.fake_dns import FakeDNS
from tests.evals.fake_server import running_fake
from tests.web.tools.test_eval_faces import submit_and_run

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "rebind.example"


@pytest.fixture(scope="module")
def fake():
    with running_fake() as running:
        yield running


@override_settings(ROOFLINE_EVAL_ALLOWED_HOSTS=[])
def test_a_name_rebound_to_loopback_after_both_checks_is_refused_at_connection_time(member_client, fake, monkeypatch):
    dns = FakeDNS(monkeypatch, {NAME: ["8.8.8.8", "8.8.8.8", "127.0.0.1"]})  # submission, job start, connections
    fake.app.requests.clear()

    run = submit_and_run(member_client, fake, endpoint=fake.url.replace("127.0.0.1", NAME))

    assert dns.asked[NAME][:2] == [["8.8.8.8"], ["8.8.8.8"]] and len(dns.asked[NAME]) > 2  # both checks passed
    assert fake.app.requests == []  # nothing reached the local server
    card = run.scorecard
    assert card["errors"]["by_kind"] == {"refused": card["errors"]["total"]} and card["errors"]["total"] == 6
    error = card["items"][0]["error"]
    assert f"{NAME} resolves to 127.0.0.1, a loopback, private or link-local address" in error
    assert "ROOFLINE_EVAL_ALLOWED_HOSTS" in error
    assert Job.objects.get(pk=run.job_id).result["errors"] == 6


@override_settings(ROOFLINE_EVAL_ALLOWED_HOSTS=[NAME])
def test_an_allow_listed_name_still_reaches_a_local_server(member_client, fake, monkeypatch):
    FakeDNS(monkeypatch, {NAME: ["127.0.0.1"]})
    fake.app.requests.clear()
    run = submit_and_run(member_client, fake, endpoint=fake.url.replace("127.0.0.1", NAME))
    assert run.scorecard["complete"] and run.scorecard["errors"]["total"] == 0
    assert len(fake.app.requests) == 6
