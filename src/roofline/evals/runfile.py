"""The run file: JSON Lines appended as results arrive, so an interrupted run can resume.

Line 1: {"type": "header", "fingerprint": ..., "request": ..., "started_at": ...}; then {"type": "item", ...} per
finished item (each with its session id and wall-clock start/end). A torn last line is ignored.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


class RunFileError(ValueError):
    pass


def fingerprint(request_json: dict, suites: list[dict]) -> str:
    """What must match for a resume: the request (sampling, endpoint, model) and every suite's content hash."""
    keep = {k: v for k, v in request_json.items() if k not in {"concurrency", "rate_per_s", "timeout_s", "max_retries"}}
    canonical = json.dumps({"request": keep, "suites": suites}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_run_file(path: Path) -> tuple[dict | None, list[dict]]:
    """(header, item records) of an existing run file; (None, []) if it does not exist."""
    if not path.exists():
        return None, []
    header, items = None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line torn by a kill mid-write; that item is simply sent again
        kind = entry.get("type")
        if kind == "header":
            header = entry
        elif kind == "item":
            items.append(entry)
    if header is None:
        raise RunFileError(f"{path} is not a roofline eval run file (no header line)")
    return header, items


class RunFile:
    """Appends one JSON line per write and flushes it, so a killed process loses at most the line in flight."""

    def __init__(self, path: Path):
        self.path = path
        torn = path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
        self.handle = path.open("a", encoding="utf-8")
        if torn:  # end the torn line so the next entry starts on its own
            self.handle.write("\n")

    def append(self, entry: dict) -> None:
        self.handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()
