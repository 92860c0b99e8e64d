"""Accelerators the catalog does not have: one entry, in the catalog's own format, in a JSON file of yours."""

import json
import os
from pathlib import Path

from pydantic import ValidationError

from roofline.hardware.accelerator import Accelerator
from roofline.hardware.errors import InvalidAcceleratorFile
from roofline.hardware.schema import AcceleratorSpec, describe_errors


def load_accelerator_file(path: str | os.PathLike) -> Accelerator:
    """The accelerator described by the JSON file at `path` (one object with a catalog entry's fields).
    Raises FileNotFoundError when there is no such file and InvalidAcceleratorFile naming each bad field."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"No accelerator file at {path}; check the path.") from None
    except (IsADirectoryError, UnicodeDecodeError) as error:
        raise InvalidAcceleratorFile(path, [f"cannot be read as UTF-8 JSON text: {error}"]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidAcceleratorFile(
            path, [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from None
    if not isinstance(data, dict):
        raise InvalidAcceleratorFile(path, [f"(top level): expected an object, found {type(data).__name__}"])
    if "accelerators" in data:
        raise InvalidAcceleratorFile(
            path, ["(top level): this looks like a whole catalog; put a single accelerator entry at the top level"]
        )
    try:
        spec = AcceleratorSpec.model_validate(data)
    except ValidationError as error:
        raise InvalidAcceleratorFile(path, describe_errors(error)) from None
    return spec.to_accelerator()
