"""Telling listeners that a job changed: a channel-layer message per job group, sent after the commit."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def job_group(job_id) -> str:
    """The channel-layer group of one job's listeners."""
    return f"job-{job_id}".replace("-", "_")


def announce_job_event(job_id, seq: int) -> None:
    """Tell the job's listeners that event `seq` is in the database; they read it (and any they missed) there."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(job_group(job_id), {"type": "job.event", "seq": seq})
