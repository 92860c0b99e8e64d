"""The `selfcheck` job kind: proves the queue, a worker and live progress work end to end.

It runs `steps` steps of `delay_seconds` each, reports progress after each, and returns facts about the
worker that ran it. Operators submit it to check a deployment; the tests use it to exercise the job system.
"""

import os
import platform
import socket
import time

from pydantic import BaseModel, Field

import roofline
from roofline.web.jobs.kinds import Progress, register_job_kind


class SelfcheckRequest(BaseModel):
    steps: int = Field(5, ge=1, le=1000, description="How many progress steps to report.")
    delay_seconds: float = Field(0.2, ge=0.0, le=10.0, description="Pause before each step, in seconds.")


@register_job_kind("selfcheck", "Worker self-check", SelfcheckRequest)
def run_selfcheck(request: SelfcheckRequest, progress: Progress) -> dict:
    started = time.monotonic()
    for step in range(1, request.steps + 1):
        time.sleep(request.delay_seconds)
        progress(step / request.steps, f"Step {step} of {request.steps}")
    return {
        "steps": request.steps,
        "elapsed_seconds": round(time.monotonic() - started, 3),
        "worker_host": socket.gethostname(),
        "worker_pid": os.getpid(),
        "python": platform.python_version(),
        "roofline": roofline.__version__,
    }
