"""Helpers for the chat socket tests: session headers (built outside the async code), a connected
WebsocketCommunicator, reading frames until one matches."""

from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from roofline.web.asgi import application


def headers_for(user=None) -> list[tuple[bytes, bytes]]:
    """Origin and (for `user`) the session cookie; call it in the test, not in the async scenario."""
    headers = [(b"origin", b"http://testserver")]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return headers


async def connected(headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    ok, _ = await communicator.connect(timeout=5)
    assert ok
    return communicator


async def frames_until(communicator, predicate, timeout: float = 5.0) -> list[dict]:
    """Every frame received up to and including the first that `predicate` accepts."""
    seen = []
    while not seen or not predicate(seen[-1]):
        seen.append(await communicator.receive_json_from(timeout=timeout))
    return seen


async def subscribed(communicator, channel: str = "general", after: int = 0) -> list[dict]:
    await communicator.send_json_to({"type": "subscribe", "channel": channel, "after": after})
    return await frames_until(communicator, lambda f: f["type"] == "subscribed")


def is_event(kind: str | None = None):
    return lambda f: f.get("type") == "event" and (kind is None or f["kind"] == kind)


def is_error(f: dict) -> bool:
    return f.get("type") == "error"


def is_ack(client_id: str):
    return lambda f: f.get("type") == "ack" and f.get("client_id") == client_id
