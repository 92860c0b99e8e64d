"""Reading a ThroughputRequest from a URL: `?request=<json>` (embeds, scripts) or one query field per input
(the page's form, readable and shareable)."""

import json

from django.http import QueryDict
from pydantic import ValidationError

from roofline.throughput import ThroughputRequest

FIELDS = ("model", "gpu", "gpus", "weights", "kv_dtype", "batch", "context", "prompt", "output", "efficiency")
DEFAULT_MODEL = "meta-llama/Llama-3.1-8B"


class InputError(ValueError):
    pass


def request_from_query(query: QueryDict) -> ThroughputRequest:
    """The request a URL's query describes; the defaults when it describes none. InputError says what is wrong."""
    if query.get("request"):
        try:
            data = json.loads(query["request"])
        except json.JSONDecodeError as error:
            raise InputError(f"request is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise InputError("request must be a JSON object")
    else:
        data = {name: query[name] for name in FIELDS if query.get(name, "").strip()}
        if query.get("config", "").strip():
            try:
                data["config"] = json.loads(query["config"])
            except json.JSONDecodeError as error:
                raise InputError(
                    f"the pasted config.json is not valid JSON: {error.msg} (line {error.lineno})"
                ) from None
            data.pop("model", None)
        data.setdefault("model", None if "config" in data else DEFAULT_MODEL)
    try:
        return ThroughputRequest.model_validate(data)
    except ValidationError as error:
        raise InputError(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        ) from None
