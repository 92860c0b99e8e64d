"""Reading a ThroughputRequest from a URL: `?request=<json>` (embeds, scripts) or one query field per input
(the page's form, readable and shareable)."""

from django.http import QueryDict

from roofline.throughput import ThroughputRequest
from roofline.web.tools.query import InputError
from roofline.web.tools.query import request_from_query as _request_from_query

FIELDS = ("model", "gpu", "gpus", "weights", "kv_dtype", "batch", "context", "prompt", "output", "efficiency")
DEFAULT_MODEL = "meta-llama/Llama-3.1-8B"

__all__ = ["DEFAULT_MODEL", "FIELDS", "InputError", "request_from_query"]


def request_from_query(query: QueryDict) -> ThroughputRequest:
    """The request a URL's query describes; the defaults when it describes none. InputError says what is wrong."""
    return _request_from_query(query, ThroughputRequest, FIELDS, DEFAULT_MODEL)
