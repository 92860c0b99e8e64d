"""Job-system overhead: how fast a worker can record progress events, and what a job costs beyond its work.

Run through `make bench` (benchmarks/run.py), which runs this once per database engine in a fresh process:
    python benchmarks/bench_jobs.py            # SQLite (WAL) in a temporary ROOFLINE_HOME
    DATABASE_URL=postgresql://... python benchmarks/bench_jobs.py
Prints one JSON object: events per second and milliseconds per event for a 1,000-step selfcheck job run in
process (no sleeps), and the per-job overhead in milliseconds for 50 one-step jobs (submit, start, one
progress event, finish).
"""

import json
import os
import tempfile
import time

STEPS = 1000
SMALL_JOBS = 50


def main() -> None:
    os.environ.setdefault("ROOFLINE_HOME", tempfile.mkdtemp(prefix="roofline-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "roofline.web.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from roofline.web.jobs.actions import submit_job
    from roofline.web.jobs.runner import execute_job

    call_command("migrate", verbosity=0)
    owner = get_user_model().objects.create_user(f"bench-{time.time_ns()}")

    job = submit_job("selfcheck", {"steps": STEPS, "delay_seconds": 0}, owner=owner)
    started = time.perf_counter()
    execute_job(job.id)
    long_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(SMALL_JOBS):
        execute_job(submit_job("selfcheck", {"steps": 1, "delay_seconds": 0}, owner=owner).id)
    small_seconds = time.perf_counter() - started

    print(
        json.dumps(
            {
                "engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "progress_events_per_s": round(STEPS / long_seconds, 1),
                "ms_per_progress_event": round(1000 * long_seconds / STEPS, 3),
                "ms_per_one_step_job": round(1000 * small_seconds / SMALL_JOBS, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
