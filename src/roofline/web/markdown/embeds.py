"""Live tool results inside Markdown: a fenced block ```roofline:<name> holding a tool's request JSON.

Each tool registers a renderer for its block name. A renderer receives the parsed request and returns trusted
HTML built with escaping (a table, a plot, and a link "open in the tool" that reproduces the result); it
raises EmbedError (or pydantic's ValidationError) when the tool rejects the request. Whatever goes wrong,
the block renders as a visible error box, never as a crash.
"""

import json
import logging
from collections.abc import Callable
from html import escape
from urllib.parse import urlencode

from pydantic import ValidationError

logger = logging.getLogger(__name__)

PREFIX = "roofline:"
EmbedRenderer = Callable[[dict], str]
_renderers: dict[str, EmbedRenderer] = {}


class EmbedError(Exception):
    """The tool rejected the embedded request; the message says why, for the writer to fix."""


def register_embed(name: str) -> Callable[[EmbedRenderer], EmbedRenderer]:
    """Decorator: render ```roofline:<name> blocks with the decorated function."""

    def decorate(renderer: EmbedRenderer) -> EmbedRenderer:
        _renderers[name] = renderer
        return renderer

    return decorate


def embed_names() -> list[str]:
    return sorted(_renderers)


def tool_link(slug: str, request: dict) -> str:
    """The URL of a tool's page that reproduces `request`."""
    return f"/tools/{slug}/?{urlencode({'request': json.dumps(request, separators=(',', ':'))})}"


def error_box(block: str, message: str) -> str:
    return f'<div class="embed-error" role="alert"><strong>{escape(PREFIX + block)}</strong>: {escape(message)}</div>'


def render_embed(block: str, source: str) -> tuple[str, str | None]:
    """The HTML for one embed block, and the error message when it could not be rendered."""
    renderer = _renderers.get(block)
    if renderer is None:
        known = ", ".join(PREFIX + name for name in embed_names()) or "none yet"
        message = f"unknown tool block; known blocks: {known}"
        return error_box(block, message), message
    try:
        request = json.loads(source)
        if not isinstance(request, dict):
            raise EmbedError("the block must hold one JSON object: the tool's request")
        return renderer(request), None
    except json.JSONDecodeError as error:
        message = f"the request is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
    except ValidationError as error:
        message = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
    except EmbedError as error:
        message = str(error)
    except Exception as error:
        logger.exception("embed %s failed", block)
        message = f"internal error in the tool ({type(error).__name__}); the request was not rendered"
    return error_box(block, message), message
