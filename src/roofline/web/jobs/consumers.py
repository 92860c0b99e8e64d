"""The WebSocket that streams one job's progress: /ws/jobs/<id>/?after=<seq>.

On connect the client gets every event after `after` (default 0), then each new event as it is committed, in
order, without gaps or repeats, and finally a `finished` message with the result or the error; then the socket
closes. New events arrive by the channel layer when the worker shares it (Redis); with the in-process layer
the worker is another process, so the consumer also reads the database every ROOFLINE_JOB_POLL_SECONDS.
"""

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from django.conf import settings

from roofline.web.jobs.access import events_after, visible_job
from roofline.web.jobs.events import job_group
from roofline.web.jobs.liveness import fail_if_orphaned
from roofline.web.jobs.models import Job

CLOSE_NOT_FOUND = 4404
BROKER_POLL_SECONDS = 5.0  # with a shared channel layer the database is only a safety net


def _poll_seconds(layer) -> float:
    """How often to read the database: often when it is the only bridge from the worker, rarely otherwise."""
    return settings.ROOFLINE_JOB_POLL_SECONDS if isinstance(layer, InMemoryChannelLayer) else BROKER_POLL_SECONDS


def _check_liveness(job_id) -> None:
    fail_if_orphaned(Job.objects.get(pk=job_id))


class JobProgressConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.job_id = self.scope["url_route"]["kwargs"]["job_id"]
        job = await database_sync_to_async(visible_job)(self.job_id, self.scope["user"])
        if job is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.last_seq = self._after_from_query()
        self.lock = asyncio.Lock()
        self.done = False
        await self.channel_layer.group_add(job_group(self.job_id), self.channel_name)
        await self.accept()
        await self.send_new_events()
        self.poller = asyncio.create_task(self.poll())

    def _after_from_query(self) -> int:
        for part in self.scope.get("query_string", b"").decode().split("&"):
            name, _, value = part.partition("=")
            if name == "after" and value.isdigit():
                return int(value)
        return 0

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "poller"):
            self.poller.cancel()
            await self.channel_layer.group_discard(job_group(self.job_id), self.channel_name)

    async def poll(self) -> None:
        interval = _poll_seconds(self.channel_layer)
        while not self.done:
            await asyncio.sleep(interval)
            await database_sync_to_async(_check_liveness)(self.job_id)
            await self.send_new_events()

    async def job_event(self, message: dict) -> None:
        await self.send_new_events()

    async def send_new_events(self) -> None:
        async with self.lock:
            if self.done:
                return
            events = await database_sync_to_async(events_after)(self.job_id, self.last_seq)
            for event in events:
                await self.send_json(event)
                self.last_seq = event["seq"]
            if events and events[-1]["status"] in Job.FINISHED:
                job = await database_sync_to_async(Job.objects.get)(pk=self.job_id)
                await self.send_json(
                    {"type": "finished", "status": job.status, "result": job.result, "error": job.error}
                )
                self.done = True
                await self.close()
