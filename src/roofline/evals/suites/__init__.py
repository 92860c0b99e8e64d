"""Eval suites: shipped ones (versioned, content-hashed) and user JSONL files.

An item is a plain dict: `id`, `prompt`, `scorer` (a name from roofline.evals.scorers) and the scorer's fields
(`answer`, `checks`, `schema`, `pattern`, `set`...).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from roofline.evals.suites import arithmetic, shipped, user


class SuiteError(ValueError):
    """A suite name or file the user gave is not usable; the message says why."""


@dataclass(frozen=True)
class Suite:
    name: str
    version: str
    description: str
    items: list[dict]

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the canonical JSON of name, version and the items sent (after any limit)."""
        canonical = json.dumps(
            {"name": self.name, "version": self.version, "items": self.items},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        )  # fmt: skip
        return hashlib.sha256(canonical.encode()).hexdigest()

    def limited(self, limit: int | None) -> Suite:
        return self if limit is None else Suite(self.name, self.version, self.description, self.items[:limit])


def load_suite(name: str, seed: int, allow_files: bool = True) -> Suite:
    """A shipped suite by name, or (when `allow_files`) a user .jsonl file by path."""
    if name == "arithmetic":
        return Suite("arithmetic", arithmetic.VERSION, arithmetic.DESCRIPTION, arithmetic.generate(seed))
    if name in shipped.NAMES:
        data = shipped.load(name)
        return Suite(name, data["version"], data["description"], data["items"])
    if allow_files and name.endswith(".jsonl"):
        try:
            items = user.load(Path(name))
        except (OSError, user.UserSuiteError) as error:
            raise SuiteError(f"user suite {name}: {error}") from None
        return Suite(Path(name).stem, "user", f"user suite from {Path(name).name}", items)
    hint = " or a path to a .jsonl file" if allow_files else ""
    raise SuiteError(f"unknown suite {name!r}; choose from arithmetic, {', '.join(shipped.NAMES)}{hint}")
