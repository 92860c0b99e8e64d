"""Suites written by hand and shipped as JSON beside this module: instructions, mlinfra, refusal."""

import json
from functools import cache
from pathlib import Path

NAMES = ("instructions", "mlinfra", "refusal")
DATA = Path(__file__).parent


@cache
def load(name: str) -> dict:
    """{"version", "description", "items"} of a shipped suite."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
