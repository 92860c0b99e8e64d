"""The scale-out path on real engines: the site migrates and runs jobs on PostgreSQL, and jobs run on RQ/Redis.
Each test skips, saying why, where its engine is not running."""

import subprocess
import sys

import redis

from tests.conftest import roofline_env

SUBMIT = """
import django; django.setup()
from django.contrib.auth import get_user_model
from roofline.web.jobs.actions import submit_job
owner = get_user_model().objects.create_user("scale")
print(submit_job("selfcheck", {"steps": 3, "delay_seconds": 0}, owner=owner).id)
"""
STATUS = """
import sys, django; django.setup()
from roofline.web.jobs.models import Job
job = Job.objects.get(pk=sys.argv[1])
print(job.status, job.last_seq, job.result["steps"] if job.result else None)
"""


def run(args: list[str], env: dict) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_the_site_migrates_and_runs_a_job_on_postgresql(tmp_path, postgres_url):
    env = roofline_env(tmp_path, DATABASE_URL=postgres_url)
    run([sys.executable, "-m", "roofline", "setup"], env)
    job_id = run([sys.executable, "-c", SUBMIT], env)

    run([sys.executable, "-m", "roofline", "worker", "--burst"], env)

    assert run([sys.executable, "-c", STATUS, job_id], env) == "succeeded 6 3"


def test_jobs_run_on_rq_when_configured(tmp_path, redis_url):
    env = roofline_env(tmp_path, REDIS_URL=redis_url, ROOFLINE_JOB_QUEUE="rq")
    run([sys.executable, "-m", "roofline", "setup"], env)
    job_id = run([sys.executable, "-c", SUBMIT], env)
    assert redis.Redis.from_url(redis_url).llen("rq:queue:default") == 1  # queued on Redis, not in the database

    run([sys.executable, "-m", "roofline", "worker", "--burst"], env)

    assert run([sys.executable, "-c", STATUS, job_id], env) == "succeeded 6 3"
