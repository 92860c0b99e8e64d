"""The one task the queue knows: run a job by id (django-tasks; database queue or RQ, per settings.TASKS)."""

from django_tasks import task

from roofline.web.jobs.runner import execute_job


@task()
def run_job(job_id: str) -> None:
    execute_job(job_id)
