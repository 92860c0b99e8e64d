"""Real `roofline serve` processes for tests that need a server of its own (not uvicorn inside the test run)."""

import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.test_cli import free_port

ROOFLINE = [sys.executable, "-m", "roofline"]


def wait_until_serving(process: subprocess.Popen, url: str, timeout_seconds: float = 60) -> None:
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server at {url} exited with {process.returncode}"
        try:
            if httpx.get(f"{url}/chat/general/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server at {url} did not answer within {timeout_seconds} s")


@contextmanager
def serving(env: dict[str, str], log_path: Path):
    """A `roofline serve --no-worker` process on a free port with `env`, answering: yields its base URL, and
    stops it afterwards. Its output goes to `log_path`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        process = subprocess.Popen([*ROOFLINE, "serve", "--no-worker", "--port", str(port)], env=env, stdout=log,
                                   stderr=log)  # fmt: skip
        try:
            wait_until_serving(process, url)
            yield url
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(20)
