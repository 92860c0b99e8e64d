"""Jobs end to end: the API queues a job, a real `roofline worker` process runs it, and the job's WebSocket
streams every progress event in order, then the result. Killing the worker mid-job fails the job with a reason."""

import json
import os
import subprocess
import sys
import time

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from roofline.web.asgi import application
from roofline.web.settings import channel_layers_for
from tests.conftest import csrf_token_of

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["in-memory", "redis"])
def channel_layer(request, settings):
    """The embedded default (in-process layer, the socket reads the database) and the scale-out path (Redis)."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip(f"Redis is not reachable at {REDIS_URL}")
        settings.CHANNEL_LAYERS = channel_layers_for(REDIS_URL)
    return request.param


@pytest.fixture
def worker(channel_layer, tmp_path):
    """A real `roofline worker` process on the test database (and on Redis when the layer is Redis)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "roofline.web.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "ROOFLINE_JOB_HEARTBEAT_SECONDS": "0.5",
    }
    if channel_layer == "redis":
        env["REDIS_URL"] = REDIS_URL
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen([sys.executable, "-m", "roofline", "worker"], env=env, stdout=log, stderr=log)
    yield process
    if process.poll() is None:
        process.terminate()
        process.wait(10)
    log.close()


def submit(client: Client, request: dict) -> str:
    response = client.post(
        "/api/jobs/",
        json.dumps({"kind": "selfcheck", "request": request}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token_of(client)},
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def socket_headers(client: Client, origin: str = "http://testserver") -> list[tuple[bytes, bytes]]:
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    return [(b"cookie", cookie.encode()), (b"origin", origin.encode())]


@async_to_sync
async def stream(job_id: str, headers, on_event=None, timeout_seconds: float = 30) -> list[dict]:
    """Every message the job's socket sends until `finished`; `on_event` sees each as it arrives."""
    communicator = WebsocketCommunicator(application, f"/ws/jobs/{job_id}/", headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    messages = []
    while not messages or messages[-1]["type"] != "finished":
        messages.append(await communicator.receive_json_from(timeout=timeout_seconds))
        if on_event:
            on_event(messages[-1])
    await communicator.disconnect()
    return messages


@async_to_sync
async def socket_refused(path: str, headers) -> bool:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect(timeout=5)
    await communicator.disconnect()
    return not connected


def test_a_job_submitted_through_the_api_streams_progress_in_order_then_its_result(
    channel_layer, worker, member_client, monkeypatch
):
    # With a broker the socket's database reads become a minute apart: a stream finished well within that can only
    # have come from the worker's pushes (a margin that holds on a loaded machine, unlike a few seconds).
    monkeypatch.setattr("roofline.web.jobs.consumers.BROKER_POLL_SECONDS", 60.0)
    job_id = submit(member_client, {"steps": 5, "delay_seconds": 0.1})

    started = time.monotonic()
    messages = stream(job_id, socket_headers(member_client))
    elapsed_seconds = time.monotonic() - started

    if channel_layer == "redis":
        assert elapsed_seconds < 30.0
    events, finished = messages[:-1], messages[-1]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # no gaps, no repeats, in order
    assert [e["status"] for e in events] == ["queued", "running", *["running"] * 5, "succeeded"]
    assert [e["progress"] for e in events if e["message"].startswith("Step")] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert finished["status"] == "succeeded"
    assert finished["result"]["worker_pid"] == worker.pid  # run by the worker process, not in the request


def test_a_client_that_reconnects_gets_only_the_events_after_the_last_it_saw(worker, member_client):
    job_id = submit(member_client, {"steps": 3, "delay_seconds": 0})
    first = stream(job_id, socket_headers(member_client))

    after = first[2]["seq"]
    communicator_messages = async_to_sync(resume)(job_id, after, socket_headers(member_client))

    assert [m["seq"] for m in communicator_messages[:-1]] == [m["seq"] for m in first[3:-1]]


async def resume(job_id: str, after: int, headers) -> list[dict]:
    communicator = WebsocketCommunicator(application, f"/ws/jobs/{job_id}/?after={after}", headers=headers)
    assert (await communicator.connect(timeout=5))[0]
    messages = []
    while not messages or messages[-1]["type"] != "finished":
        messages.append(await communicator.receive_json_from(timeout=10))
    await communicator.disconnect()
    return messages


def test_killing_the_worker_mid_job_fails_the_job_with_a_reason(worker, member_client):
    job_id = submit(member_client, {"steps": 100, "delay_seconds": 0.1})

    def kill_after_first_step(message: dict) -> None:
        if message.get("message", "").startswith("Step") and worker.poll() is None:
            worker.kill()
            worker.wait()

    messages = stream(job_id, socket_headers(member_client), on_event=kill_after_first_step)

    finished = messages[-1]
    assert finished["status"] == "failed"
    assert "exited before the job finished" in finished["error"]
    job = member_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "failed" and job["error"] == finished["error"] and job["progress"] < 1.0


@pytest.mark.parametrize("channel_layer", ["in-memory"], indirect=True)
def test_the_socket_refuses_other_origins_and_other_members(channel_layer, member_client, other_member):
    job_id = submit(member_client, {"steps": 1})
    assert socket_refused(f"/ws/jobs/{job_id}/", socket_headers(member_client, origin="https://evil.example"))

    stranger = Client()
    stranger.force_login(other_member)
    assert socket_refused(f"/ws/jobs/{job_id}/", socket_headers(stranger))
    assert socket_refused(f"/ws/jobs/{job_id}/", [(b"origin", b"http://testserver")])  # a visitor
