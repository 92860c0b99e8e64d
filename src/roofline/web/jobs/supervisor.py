"""Keeping workers honest: `roofline serve` restarts its worker child, and every worker fails the jobs of
workers that died (at start, then every half stale-limit)."""

import logging
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.db import connection

from roofline.web.jobs.liveness import fail_orphaned_jobs

logger = logging.getLogger(__name__)

PARENT_PID_ENV = "ROOFLINE_WORKER_PARENT_PID"


def _fail_orphans_logged() -> None:
    """fail_orphaned_jobs() for a background thread: errors are logged, never fatal, and the connection closed."""
    try:
        failed = fail_orphaned_jobs()
        if failed:
            logger.warning("failed %d job(s) whose worker had died", failed)
    except Exception:
        logger.exception("checking for orphaned jobs failed")
    finally:
        connection.close()


def _housekeeping_loop(parent_pid: int | None) -> None:
    interval = max(settings.ROOFLINE_JOB_STALE_SECONDS / 2, 1.0)
    while True:
        _fail_orphans_logged()
        if parent_pid is not None and os.getppid() != parent_pid:
            logger.warning("the server that started this worker is gone; stopping after the current job")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        threading.Event().wait(interval)


def start_worker_housekeeping() -> None:
    """In a worker: a daemon thread that fails orphaned jobs and stops the worker if its server went away."""
    parent = os.environ.get(PARENT_PID_ENV)
    thread = threading.Thread(
        target=_housekeeping_loop, args=(int(parent) if parent else None,), name="job-housekeeping", daemon=True
    )
    thread.start()


class WorkerSupervisor:
    """Runs `roofline worker` as a child process and restarts it (after failing its orphans) if it dies."""

    def __init__(self, restart_delay_seconds: float = 2.0):
        self.restart_delay_seconds = restart_delay_seconds
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, PARENT_PID_ENV: str(os.getpid())}
        return subprocess.Popen([sys.executable, "-m", "roofline", "worker"], env=env)

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.process = self._spawn()
            code = self.process.wait()
            if self.stopping.is_set():
                return
            logger.error("job worker exited with status %s; failing its jobs and restarting it", code)
            _fail_orphans_logged()
            self.stopping.wait(self.restart_delay_seconds)

    def stop(self, timeout_seconds: float = 10.0) -> None:
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.thread.join(timeout_seconds)
