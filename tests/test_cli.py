"""The `roofline` command: version, help, and `serve` starting the site with a supervised job worker."""

import socket
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from tests.conftest import roofline_env

ROOFLINE = [sys.executable, "-m", "roofline"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout_seconds: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def worker_children(server: psutil.Process) -> list[psutil.Process]:
    """Live `roofline worker` children (a killed one is a zombie until the supervisor reaps it)."""
    workers = []
    for child in server.children():
        try:
            if "worker" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                workers.append(child)
        except psutil.Error:
            continue
    return workers


def test_version_and_help_name_the_commands():
    version = subprocess.run([*ROOFLINE, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip().startswith("roofline 0.")
    help_text = subprocess.run([*ROOFLINE, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "worker", "setup", "manage"):
        assert command in help_text


@pytest.fixture
def server(tmp_path):
    env = roofline_env(tmp_path)
    subprocess.run([*ROOFLINE, "setup"], env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115  (closed below)
    process = subprocess.Popen([*ROOFLINE, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    yield process, f"http://127.0.0.1:{port}"
    if process.poll() is None:
        process.terminate()
        process.wait(20)
    log.close()


def test_serve_starts_the_site_and_a_worker_it_restarts_if_the_worker_dies(server):
    process, url = server

    home = wait_for(lambda: _get(url + "/"), what="the home page")
    assert home.status_code == 200 and "An open community for learning" in home.text

    parent = psutil.Process(process.pid)
    (first,) = wait_for(lambda: worker_children(parent), what="the worker child")
    first.kill()
    second = wait_for(lambda: [p for p in worker_children(parent) if p.pid != first.pid], what="a new worker")
    assert second[0].is_running()

    process.terminate()
    process.wait(20)
    wait_for(lambda: not second[0].is_running() or second[0].status() == psutil.STATUS_ZOMBIE, what="worker exit")


def _get(url: str):
    try:
        return httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None
