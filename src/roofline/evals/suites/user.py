"""User suites: a JSONL file, one item per line, each declaring its scorer.

{"id": "q1", "prompt": "...", "scorer": "exact" | "numeric" | "regex" | "choice" | "json-schema", ...}
exact/numeric/choice need "answer"; regex needs "pattern"; json-schema needs "schema".
"""

import json
from pathlib import Path

REQUIRED = {"exact": "answer", "numeric": "answer", "choice": "answer", "regex": "pattern", "json-schema": "schema"}
MAX_ITEMS = 100_000


class UserSuiteError(ValueError):
    pass


def load(path: Path) -> list[dict]:
    items: list[dict] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise UserSuiteError(f"line {number} is not JSON ({error.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("prompt"), str):
            raise UserSuiteError(f"line {number}: an item is an object with a string `prompt`")
        scorer = item.get("scorer")
        if scorer not in REQUIRED:
            raise UserSuiteError(f"line {number}: `scorer` must be one of {', '.join(REQUIRED)}, not {scorer!r}")
        if REQUIRED[scorer] not in item:
            raise UserSuiteError(f"line {number}: scorer {scorer} needs `{REQUIRED[scorer]}`")
        item.setdefault("id", f"line-{number}")
        item["id"] = str(item["id"])
        if item["id"] in seen:
            raise UserSuiteError(f"line {number}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        items.append(item)
    if not items:
        raise UserSuiteError("no items")
    if len(items) > MAX_ITEMS:
        raise UserSuiteError(f"{len(items)} items; at most {MAX_ITEMS}")
    return items
