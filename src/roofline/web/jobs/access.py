"""Who may see a job: its owner and staff. Others get "not found", so job ids leak nothing."""

from uuid import UUID

from roofline.web.jobs.models import Job


def visible_job(job_id: UUID | str, user) -> Job | None:
    """The job if `user` may see it, else None."""
    if not user.is_authenticated:
        return None
    job = Job.objects.filter(pk=job_id).select_related("owner").first()
    if job is None or not (user.is_staff or job.owner_id == user.pk):
        return None
    return job


def events_after(job_id: UUID | str, seq: int) -> list[dict]:
    """The job's events numbered above `seq`, in order, as sent to clients."""
    return [event.to_dict() for event in Job.objects.get(pk=job_id).events.filter(seq__gt=seq).order_by("seq")]
