"""Chat across server processes: two real `roofline serve` processes share one database and Redis; a member on
one process and a member on the other each see what the other posts, live. Skips where Redis is not running."""

import asyncio
import json
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect

from tests.conftest import roofline_env
from tests.served import ROOFLINE, serving

SESSIONS = """
import json, django; django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
cookies = {}
for name in ("ada", "grace"):
    client = Client()
    client.force_login(get_user_model().objects.create_user(name))
    cookies[name] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
print(json.dumps(cookies))
"""


@pytest.fixture
def site(tmp_path, redis_url):
    """The environment of a site on a shared SQLite file and Redis, set up, with two members' session cookies."""
    env = roofline_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", REDIS_URL=redis_url)
    subprocess.run([*ROOFLINE, "setup", "--no-demo"], env=env, check=True, capture_output=True, timeout=180)
    made = subprocess.run([sys.executable, "-c", SESSIONS], env=env, check=True, capture_output=True, text=True)
    return env, json.loads(made.stdout.strip().splitlines()[-1])


@pytest.fixture
def servers(site, tmp_path):
    """Two `roofline serve --no-worker` processes on the same site, answering HTTP; their base URLs."""
    env, _ = site
    with serving(env, tmp_path / "serve-0.log") as first, serving(env, tmp_path / "serve-1.log") as second:
        yield [first, second]


async def frame_where(socket, predicate, seen: list | None = None, timeout: float = 10.0) -> dict:
    """The first frame `predicate` accepts; every frame read on the way is appended to `seen`."""
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await socket.recv())
            if seen is not None:
                seen.append(frame)
            if predicate(frame):
                return frame


def test_members_on_two_server_processes_see_each_others_messages(site, servers):
    _, cookies = site

    async def scenario():
        sockets = []
        for name, url in zip(("ada", "grace"), servers, strict=True):
            ws_url = url.replace("http://", "ws://") + "/ws/chat/"
            sockets.append(await connect(ws_url, origin=url, additional_headers={"Cookie": cookies[name]}))
        ada, grace = sockets
        seen_on_ada: list[dict] = []
        for socket in sockets:
            await socket.send(json.dumps({"type": "subscribe", "channel": "general", "after": 0}))
            await frame_where(socket, lambda f: f["type"] == "subscribed", seen_on_ada if socket is ada else None)
        await ada.send(json.dumps({"type": "post", "channel": "general", "topic": "t", "body": "from process one"}))
        seen_by_grace = await frame_where(grace, lambda f: f["type"] == "event")
        await grace.send(json.dumps({"type": "post", "channel": "general", "topic": "t", "body": "and back"}))
        seen_by_ada = await frame_where(ada, lambda f: f["type"] == "event" and f["seq"] == 2, seen_on_ada)
        if not any(f["type"] == "presence" and len(f["members"]) == 2 for f in seen_on_ada):
            await frame_where(ada, lambda f: f["type"] == "presence" and len(f["members"]) == 2, seen_on_ada)
        presence = [f for f in seen_on_ada if f["type"] == "presence"][-1]
        for socket in sockets:
            await socket.close()
        return seen_by_grace, seen_by_ada, presence

    seen_by_grace, seen_by_ada, presence = asyncio.run(scenario())
    assert seen_by_grace["seq"] == 1 and seen_by_grace["message"]["author"] == "ada"
    assert seen_by_grace["message"]["body"] == "from process one"
    assert seen_by_ada["seq"] == 2 and seen_by_ada["message"]["author"] == "grace"
    assert seen_by_ada["message"]["body"] == "and back"
    assert presence["members"] == ["ada", "grace"]  # presence is shared across the processes too
