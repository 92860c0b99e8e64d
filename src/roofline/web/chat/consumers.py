"""The chat WebSocket (/ws/chat/): one connection per client, any number of channels.

Client frames: subscribe {channel, after}, unsubscribe {channel}, post {channel, topic, body, client_id},
edit {id, body}, delete {id}, react {id, emoji}, typing {channel, topic}, read {channel, seq},
resolve {channel, topic, resolved}. Server frames: event (numbered per channel), ack, error, presence,
typing, subscribed. Posting needs a signed-in, active member, checked on every action; visitors may read.
"""

import asyncio
import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from roofline.web.chat import actions, service
from roofline.web.chat.actions import ChatError
from roofline.web.chat.events import channel_group

MAX_FRAME_BYTES = 64 * 1024
FRAMES_PER_SECOND = 20  # per connection; more is a flood and gets error frames
PRESENCE_REFRESH_SECONDS = 30


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.subscriptions: dict[int, int] = {}  # channel id -> last event seq sent
        self.slugs: dict[int, str] = {}
        self.locks: dict[int, asyncio.Lock] = {}
        self.frame_times: list[float] = []
        await self.accept()
        self.refresher = asyncio.create_task(self.refresh_presence())

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "refresher"):
            self.refresher.cancel()
        for channel_id in list(self.subscriptions):
            await self.leave(channel_id)

    # -- input --------------------------------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self.error("Frames are JSON text of at most 64 KiB.")
            return
        now = time.monotonic()
        self.frame_times = [t for t in self.frame_times if now - t < 1.0] + [now]
        if len(self.frame_times) > FRAMES_PER_SECOND:
            await self.error("Too many frames: slow down.")
            return
        try:
            frame = json.loads(text_data)
        except json.JSONDecodeError:
            await self.error("That frame is not JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.error('A frame is a JSON object with a "type".')
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None:
            await self.error(f"Unknown frame type {frame['type']!r}.", frame)
            return
        try:
            await handler(frame)
        except ChatError as error:
            await self.error(str(error), frame)
        except (KeyError, TypeError, ValueError) as error:
            await self.error(f"Malformed {frame['type']} frame ({type(error).__name__}: {error}).", frame)

    async def error(self, message: str, frame: dict | None = None) -> None:
        reply = {"type": "error", "error": message}
        if frame and "client_id" in frame:
            reply["client_id"] = frame["client_id"]
        await self.send_json(reply)

    async def member(self):
        """The connection's user, re-read on every action: a deactivated member stops at once."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return await database_sync_to_async(get_user_model().objects.filter(pk=user.pk, is_active=True).first)()

    async def on_subscribe(self, frame: dict) -> None:
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        after = int(frame.get("after") or 0)
        if after < 0:
            raise ValueError("after must be 0 or more")
        self.subscriptions[channel.pk], self.slugs[channel.pk] = after, channel.slug
        self.locks.setdefault(channel.pk, asyncio.Lock())
        await self.channel_layer.group_add(channel_group(channel.pk), self.channel_name)
        await self.send_json({"type": "subscribed", "channel": channel.slug, "last_seq": channel.last_seq})
        await self.send_events(channel.pk)
        member = await self.member()
        if member is not None:
            await database_sync_to_async(service.arrive)(self.channel_name, member, channel)

    async def on_unsubscribe(self, frame: dict) -> None:
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        await self.leave(channel.pk)

    async def leave(self, channel_id: int) -> None:
        self.subscriptions.pop(channel_id, None)
        await self.channel_layer.group_discard(channel_group(channel_id), self.channel_name)
        await database_sync_to_async(service.depart)(self.channel_name, channel_id)

    async def on_post(self, frame: dict) -> None:
        member = await self.member()
        if member is None:
            raise ChatError("Sign in to post.")
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        message = await database_sync_to_async(actions.post_message)(
            member, channel, str(frame.get("topic") or ""), str(frame["body"])
        )
        await self.send_json({"type": "ack", "client_id": frame.get("client_id"), "id": message.pk, "seq": message.seq})

    async def on_edit(self, frame: dict) -> None:
        await self._change(frame, actions.edit_message, str(frame["body"]))

    async def on_delete(self, frame: dict) -> None:
        await self._change(frame, actions.delete_message)

    async def on_react(self, frame: dict) -> None:
        await self._change(frame, actions.toggle_reaction, str(frame["emoji"]))

    async def _change(self, frame: dict, action, *args) -> None:
        member = await self.member()
        if member is None:
            raise ChatError("Sign in first.")
        message = await database_sync_to_async(service.message_by_id)(int(frame["id"]))
        await database_sync_to_async(action)(member, message, *args)
        await self.send_json({"type": "ack", "client_id": frame.get("client_id"), "id": message.pk})

    async def on_typing(self, frame: dict) -> None:
        member = await self.member()
        if member is None:
            raise ChatError("Sign in first.")
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        typing = {"type": "typing", "channel": channel.slug, "topic": str(frame.get("topic", ""))[:60]}
        await self.channel_layer.group_send(
            channel_group(channel.pk),
            {"type": "chat.ephemeral", "frame": {**typing, "member": member.get_username()}},
        )

    async def on_read(self, frame: dict) -> None:
        member = await self.member()
        if member is None:
            raise ChatError("Sign in first.")
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        await database_sync_to_async(service.mark_read)(member, channel, int(frame["seq"]))

    async def on_resolve(self, frame: dict) -> None:
        member = await self.member()
        if member is None:
            raise ChatError("Sign in first.")
        topic = await database_sync_to_async(service.topic_by_name)(str(frame["channel"]), str(frame["topic"]))
        await database_sync_to_async(actions.resolve_topic)(member, topic, bool(frame.get("resolved", True)))

    # -- output -------------------------------------------------------------------------------------------

    async def chat_events(self, message: dict) -> None:
        if message["channel"] in self.subscriptions:
            await self.send_events(message["channel"])

    async def chat_ephemeral(self, message: dict) -> None:
        await self.send_json(message["frame"])

    async def send_events(self, channel_id: int) -> None:
        """Every event after the last one sent, in order; each exactly once, however often we are woken."""
        async with self.locks[channel_id]:
            while channel_id in self.subscriptions:
                after = self.subscriptions[channel_id]
                frames = await database_sync_to_async(service.event_frames)(channel_id, after)
                if not frames:
                    return
                for frame in frames:
                    await self.send_json(frame)
                    self.subscriptions[channel_id] = frame["seq"]

    async def refresh_presence(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_REFRESH_SECONDS)
            await database_sync_to_async(service.touch)(self.channel_name)
