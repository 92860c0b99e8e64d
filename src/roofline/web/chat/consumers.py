"""The chat WebSocket (/ws/chat/): one connection per client, any number of channels.

Client frames: subscribe {channel, after}, unsubscribe {channel}, post {channel, topic, body, client_id},
edit {id, body}, delete {id}, react {id, emoji}, typing {channel, topic}, read {channel, seq},
resolve {channel, topic, resolved}. Server frames: event (numbered per channel), ack, error, presence,
typing, subscribed. Posting needs a signed-in, active member, checked on every action; visitors may read.
"""

import asyncio
import json
import logging
import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from roofline.web.chat import actions, events, service
from roofline.web.chat.actions import ChatError
from roofline.web.chat.events import channel_group

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
FRAMES_PER_SECOND = 20  # per connection; more is a flood and gets error frames
PRESENCE_REFRESH_SECONDS = 30  # one UPDATE per process refreshes all its connections' presence
PRESENCE_SETTLE_SECONDS = 0.25  # presence changes within this are sent as one list
GAP_WAIT_SECONDS = 0.5  # how long an event that arrived early waits for the ones before it, then the log is read


class ChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.subscriptions: dict[int, int] = {}  # channel id -> last event seq sent
        self.slugs: dict[int, str] = {}
        self.locks: dict[int, asyncio.Lock] = {}
        self.frame_times: list[float] = []
        self.pending: dict[int, dict[int, str]] = {}  # channel id -> seq -> frame that came before its turn
        self.gap_timers: dict[int, asyncio.Task] = {}
        self.presence_due: set[int] = set()
        self.presence_tasks: dict[int, asyncio.Task] = {}
        await self.accept()
        _presence_refresher.watch(self.channel_name)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "presence_tasks"):
            _presence_refresher.forget(self.channel_name)
            for task in [*self.gap_timers.values(), *self.presence_tasks.values()]:
                task.cancel()
        for channel_id in list(self.subscriptions):
            await self.leave(channel_id)

    async def dispatch(self, message: dict) -> None:
        """AsyncConsumer.dispatch without its close_old_connections() before every message: that is a hop into
        the process's one database thread for each event reaching each client, queued behind the database work
        of every other connection. Every database call here goes through database_sync_to_async, which closes
        stale connections around itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

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

    async def act(self, function, *args):
        """Run a database action in the database thread, then send what it announced from here (see
        events.collect); returns the action's result."""
        result, announcements = await database_sync_to_async(events.collect)(function, *args)
        for group, message in announcements:
            await self.channel_layer.group_send(group, message)
        return result

    def user_id(self) -> int | None:
        """The signed-in user's id; whether they may still act is read again with every action (in the same
        database call as the action), so a deactivated member stops at once."""
        user = self.scope.get("user")
        return user.pk if user is not None and user.is_authenticated else None

    async def on_subscribe(self, frame: dict) -> None:
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        after = int(frame.get("after") or 0)
        if after < 0:
            raise ValueError("after must be 0 or more")
        self.subscriptions[channel.pk], self.slugs[channel.pk] = after, channel.slug
        self.pending.pop(channel.pk, None)
        self.locks.setdefault(channel.pk, asyncio.Lock())
        await self.channel_layer.group_add(channel_group(channel.pk), self.channel_name)
        await self.send_json({"type": "subscribed", "channel": channel.slug, "last_seq": channel.last_seq})
        await self.send_events(channel.pk)
        if self.user_id() is not None:
            await self.act(service.arrive, self.channel_name, self.user_id(), channel)
        self.schedule_presence(channel.pk)  # visitors, who announce no arrival, get the list too

    async def on_unsubscribe(self, frame: dict) -> None:
        channel = await database_sync_to_async(service.channel_by_slug)(str(frame["channel"]))
        await self.leave(channel.pk)

    async def leave(self, channel_id: int) -> None:
        self.subscriptions.pop(channel_id, None)
        self.pending.pop(channel_id, None)
        self.presence_due.discard(channel_id)
        await self.channel_layer.group_discard(channel_group(channel_id), self.channel_name)
        await self.act(service.depart, self.channel_name, channel_id)

    async def on_post(self, frame: dict) -> None:
        topic, body = str(frame.get("topic") or ""), str(frame["body"])
        message = await self.act(service.post, self.user_id(), str(frame["channel"]), topic, body)
        await self.send_json({"type": "ack", "client_id": frame.get("client_id"), "id": message.pk, "seq": message.seq})

    async def on_edit(self, frame: dict) -> None:
        await self._change(frame, actions.edit_message, str(frame["body"]))

    async def on_delete(self, frame: dict) -> None:
        await self._change(frame, actions.delete_message)

    async def on_react(self, frame: dict) -> None:
        await self._change(frame, actions.toggle_reaction, str(frame["emoji"]))

    async def _change(self, frame: dict, action, *args) -> None:
        message_id = int(frame["id"])
        await self.act(service.change, self.user_id(), message_id, action, *args)
        await self.send_json({"type": "ack", "client_id": frame.get("client_id"), "id": message_id})

    async def on_typing(self, frame: dict) -> None:
        channel_id, slug, name = await database_sync_to_async(service.typist)(self.user_id(), str(frame["channel"]))
        typing = {"type": "typing", "channel": slug, "topic": str(frame.get("topic", ""))[:60], "member": name}
        await self.channel_layer.group_send(channel_group(channel_id), {"type": "chat.ephemeral", "frame": typing})

    async def on_read(self, frame: dict) -> None:
        await database_sync_to_async(service.read)(self.user_id(), str(frame["channel"]), int(frame["seq"]))

    async def on_resolve(self, frame: dict) -> None:
        channel, topic, resolved = str(frame["channel"]), str(frame["topic"]), bool(frame.get("resolved", True))
        await self.act(service.resolve, self.user_id(), channel, topic, resolved)

    # -- output -------------------------------------------------------------------------------------------

    async def chat_events(self, message: dict) -> None:
        """Event `seq` is committed. Forward the frame it carries when it is the next one this client needs (then
        any that arrived early and now follow on), skip it when already sent, hold it when an earlier event's
        announcement has not come yet (announcements from two processes can cross), and read the log when
        no frame came with it or a gap stays open for GAP_WAIT_SECONDS (an announcement was lost)."""
        channel_id, seq, text = message["channel"], message["seq"], message.get("text")
        if channel_id not in self.subscriptions:
            return
        async with self.locks[channel_id]:
            last = self.subscriptions.get(channel_id)
            if last is None or seq <= last:
                return
            if text is not None and seq > last + 1:
                self.pending.setdefault(channel_id, {})[seq] = text
                if channel_id not in self.gap_timers:
                    self.gap_timers[channel_id] = asyncio.create_task(self.fill_gap_later(channel_id))
                return
            if text is not None:
                await self.forward(channel_id, seq, text)
                return
        await self.send_events(channel_id)

    async def forward(self, channel_id: int, seq: int, text: str) -> None:
        """Send event `seq` (the next one) and any held events that follow it without a gap; under the lock."""
        await self.send(text_data=text)
        self.subscriptions[channel_id] = seq
        await self.send_held(channel_id)

    async def send_held(self, channel_id: int) -> None:
        held = self.pending.get(channel_id, {})
        last = self.subscriptions[channel_id]
        for stale in [s for s in held if s <= last]:
            del held[stale]
        while last + 1 in held:
            last += 1
            await self.send(text_data=held.pop(last))
            self.subscriptions[channel_id] = last
        if not held:
            self.pending.pop(channel_id, None)
            timer = self.gap_timers.pop(channel_id, None)
            if timer is not None and timer is not asyncio.current_task():
                timer.cancel()

    async def fill_gap_later(self, channel_id: int) -> None:
        await asyncio.sleep(GAP_WAIT_SECONDS)
        self.gap_timers.pop(channel_id, None)
        if self.pending.get(channel_id):
            await self.send_events(channel_id)

    async def chat_ephemeral(self, message: dict) -> None:
        await self.send_json(message["frame"])

    async def send_events(self, channel_id: int) -> None:
        """Every event after the last one sent, in order; each exactly once, however often we are woken."""
        async with self.locks[channel_id]:
            while channel_id in self.subscriptions:
                after = self.subscriptions[channel_id]
                frames = await database_sync_to_async(service.event_frames)(channel_id, after)
                if not frames:
                    break
                for frame in frames:
                    await self.send_json(frame)
                    self.subscriptions[channel_id] = frame["seq"]
            if channel_id in self.subscriptions:
                await self.send_held(channel_id)

    async def chat_presence(self, message: dict) -> None:
        self.schedule_presence(message["channel"])

    def schedule_presence(self, channel_id: int) -> None:
        """Send the channel's present members soon, read after this call: announcements of arrivals and
        departures from several processes can arrive in any order, so the list is read, never carried."""
        if channel_id not in self.subscriptions:
            return
        self.presence_due.add(channel_id)
        task = self.presence_tasks.get(channel_id)
        if task is None or task.done():
            self.presence_tasks[channel_id] = asyncio.create_task(self.send_presence(channel_id))

    async def send_presence(self, channel_id: int) -> None:
        while channel_id in self.presence_due:
            await asyncio.sleep(PRESENCE_SETTLE_SECONDS)  # one read for a burst of arrivals
            self.presence_due.discard(channel_id)
            if channel_id not in self.subscriptions:
                return
            members = await database_sync_to_async(service.present_members)(channel_id)
            if channel_id in self.subscriptions:
                await self.send_json({"type": "presence", "channel": self.slugs[channel_id], "members": members})


class PresenceRefresher:
    """Keeps the Presence rows of this process's open connections fresh: one UPDATE for all of them every
    PRESENCE_REFRESH_SECONDS (rows no one refreshes for service.PRESENCE_STALE belong to a process that died)."""

    def __init__(self) -> None:
        self.connections: set[str] = set()
        self.task: asyncio.Task | None = None

    def watch(self, connection: str) -> None:
        self.connections.add(connection)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self.run())

    def forget(self, connection: str) -> None:
        self.connections.discard(connection)
        if not self.connections and self.task is not None:
            self.task.cancel()
            self.task = None

    async def run(self) -> None:
        while self.connections:
            await asyncio.sleep(PRESENCE_REFRESH_SECONDS)
            try:
                await database_sync_to_async(service.touch)(sorted(self.connections))
            except Exception:  # a failed refresh (say, the database busy) must not end the refreshing
                logger.exception("Could not refresh chat presence")


_presence_refresher = PresenceRefresher()
