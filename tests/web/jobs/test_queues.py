"""Jobs that want a GPU (kernel benchmarks) go to the GPU queue when the operator names one, for a worker started
with `roofline worker --queue NAME` on a machine with a GPU; everything else stays on the default queue."""

import subprocess
import sys

import pytest
from django_tasks_db.models import DBTaskResult

from roofline.web.jobs.actions import submit_job
from tests.conftest import roofline_env

pytestmark = pytest.mark.django_db

GPU_QUEUES = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "gpu"]}}


def queue_of(job) -> str:
    return DBTaskResult.objects.get(id=job.task_id).queue_name


def submitted(kind: str, request: dict, member, capture):
    with capture(execute=True):  # the task is enqueued when the job's transaction commits
        job = submit_job(kind, request, owner=member)
    job.refresh_from_db()
    return job


def test_a_gpu_job_goes_to_the_gpu_queue_when_one_is_configured(member, settings, django_capture_on_commit_callbacks):
    settings.ROOFLINE_GPU_QUEUE, settings.JOB_QUEUES, settings.TASKS = "gpu", ["default", "gpu"], GPU_QUEUES
    kernels = submitted("kernels", {"kernel": "softmax"}, member, django_capture_on_commit_callbacks)
    selfcheck = submitted("selfcheck", {"steps": 1}, member, django_capture_on_commit_callbacks)

    assert queue_of(kernels) == "gpu" and kernels.events.get().message == "Waiting for a worker on gpu"
    assert queue_of(selfcheck) == "default"


def test_without_a_gpu_queue_every_job_shares_the_default_queue(member, django_capture_on_commit_callbacks):
    kernels = submitted("kernels", {"kernel": "softmax"}, member, django_capture_on_commit_callbacks)
    assert queue_of(kernels) == "default"


def test_a_worker_refuses_a_queue_that_is_not_configured(tmp_path):
    done = subprocess.run([sys.executable, "-m", "roofline", "worker", "--burst", "--queue", "gpu"],
                          env=roofline_env(tmp_path), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "no queue 'gpu'; configured: default" in done.stderr
