"""Parsing the JSON objects every input holds (configs, safetensors headers, eval logs), with one message."""

import json

from roofline.cards.errors import CardError


def json_object(raw: str | bytes, label: str) -> dict:
    """The JSON object in `raw`; CardError naming `label` (a file, or a part of one) when it is not one."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as error:
        raise CardError(f"{label} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except UnicodeDecodeError:
        raise CardError(f"{label} is not valid JSON: not UTF-8 text") from None
    if not isinstance(value, dict):
        raise CardError(f"{label} must hold a JSON object")
    return value
