"""Reading a tool's request from a URL: `?request=<json>` (embeds, scripts) or one query field per input (the
pages' forms, readable and shareable). Every tool's faces report bad input alike through InputError."""

import json
from typing import TypeVar

from django.http import QueryDict
from pydantic import BaseModel, ValidationError

R = TypeVar("R", bound=BaseModel)


class InputError(ValueError):
    pass


def request_from_query(query: QueryDict, model: type[R], fields: tuple[str, ...], default_model: str) -> R:
    """The `model` request a URL's query describes (`fields` read one by one, a pasted `config` parsed, the
    default model when none is named). InputError says what is wrong."""
    if query.get("request"):
        try:
            data = json.loads(query["request"])
        except json.JSONDecodeError as error:
            raise InputError(f"request is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise InputError("request must be a JSON object")
    else:
        data = {name: query[name] for name in fields if query.get(name, "").strip()}
        if query.get("config", "").strip():
            try:
                data["config"] = json.loads(query["config"])
            except json.JSONDecodeError as error:
                raise InputError(
                    f"the pasted config.json is not valid JSON: {error.msg} (line {error.lineno})"
                ) from None
            data.pop("model", None)
        data.setdefault("model", None if "config" in data else default_model)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InputError(
            "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        ) from None
