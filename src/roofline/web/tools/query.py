"""Reading a tool's request from a URL: `?request=<json>` (embeds, scripts) or one query field per input (the
pages' forms, readable and shareable). Every tool's faces report bad input alike through InputError."""

import hashlib
import json
from typing import TypeVar

from django.http import QueryDict
from pydantic import BaseModel, ValidationError

from roofline.hardware import UnknownAccelerator, get_accelerator
from roofline.web.markdown.embeds import EmbedError

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


def form_fields(query: QueryDict, parsed: BaseModel) -> dict[str, str]:
    """A parsed request as a form's field values: text, "on" for a ticked checkbox, a `?request=` link's config as
    JSON text, and the accelerator's catalog id for an alias. Fields left unset (None) are not included."""
    fields = parsed.model_dump()
    config = fields.pop("config", None)
    values = {
        name: "on" if value is True else "" if value is False else str(value)
        for name, value in fields.items()
        if value is not None
    }
    if config is not None and query.get("request"):
        values.update(model="", config=json.dumps(config, indent=2))
    if "gpu" in values:
        try:
            values["gpu"] = get_accelerator(values["gpu"]).id
        except UnknownAccelerator:
            pass
    return values


_EXTRA = {
    "config": "A pasted config.json (JSON text), instead of `model`.",
    "request": "The whole request as JSON (as the CLI and article embeds write it); overrides the other fields.",
}


def openapi_inputs(model: type[BaseModel], fields: tuple[str, ...]) -> dict:
    """Keyword arguments for a ninja route that reads `fields` with request_from_query: the query parameters to
    list in /api/openapi.json (the route reads them itself, so every face reports errors alike)."""

    def parameter(name: str, description: str | None, kind: str) -> dict:
        return {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": description}

    def kind_of(name: str) -> str:
        annotation = str(model.model_fields[name].annotation)
        for python, json_type in (("bool", "boolean"), ("int", "integer"), ("float", "number")):
            if python in annotation:
                return json_type
        return "string"

    listed = [parameter(name, model.model_fields[name].description, kind_of(name)) for name in fields]
    listed += [parameter(name, description, "string") for name, description in _EXTRA.items()]
    return {"openapi_extra": {"parameters": listed}}


def embed_result(slug: str, request: dict, parse, engine, user_errors: tuple) -> tuple[dict, str]:
    """An article embed's result: `request` read as a `?request=` link is (`parse`), answered by `engine` without
    local files; EmbedError with the message when the tool refuses it; and a chart id unique to the request."""
    text = json.dumps(request, sort_keys=True)
    query = QueryDict(mutable=True)
    query["request"] = text
    try:
        result = engine(parse(query), allow_local_files=False).to_dict()
    except user_errors as error:
        raise EmbedError(str(error)) from None
    return result, f"embed-{slug}-" + hashlib.sha256(text.encode()).hexdigest()[:10]
