"""Scorers: each takes an item and the response text and returns {"correct": bool, ...details}."""

from __future__ import annotations

import json
import math
import re

import jsonschema

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
CHOICE_PATTERNS = (
    re.compile(r"answer\s*(?:is|:)?\s*\(?([A-E])\)?\b", re.I),
    re.compile(r"^\s*\(?([A-E])\)?(?:[.):\s]|$)"),
    re.compile(r"\b([A-E])\b"),
)
WORD = re.compile(r"\b[\w'-]+\b")
BULLET = re.compile(r"^\s*[-*•]\s+\S", re.M)
FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def last_number(text: str) -> float | None:
    """The last number written in the text (thousands separators allowed), or None."""
    found = NUMBER.findall(text)
    if not found:
        return None
    try:
        return float(found[-1].replace(",", ""))
    except ValueError:
        return None


def extract_choice(text: str) -> str | None:
    """The option letter the response picks: "Answer: C", a leading "C." / "(C)", else the first lone letter."""
    for pattern in CHOICE_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group(1).upper()
    return None


def parse_json_answer(text: str):
    """The response as JSON, allowing one surrounding ```json fence; raises ValueError if it is not JSON."""
    fenced = FENCE.match(text)
    return json.loads(fenced.group(1) if fenced else text.strip())


def score_exact(item: dict, text: str) -> dict:
    return {"correct": text.strip() == str(item["answer"]).strip()}


def score_numeric(item: dict, text: str) -> dict:
    got = last_number(text)
    tolerance = float(item.get("tolerance", 1e-6))
    correct = got is not None and math.isclose(got, float(item["answer"]), rel_tol=tolerance, abs_tol=tolerance)
    return {"correct": correct, "extracted": got}


def score_regex(item: dict, text: str) -> dict:
    return {"correct": re.search(item["pattern"], text) is not None}


def score_choice(item: dict, text: str) -> dict:
    got = extract_choice(text)
    return {"correct": got == str(item["answer"]).upper(), "extracted": got}


def score_json_schema(item: dict, text: str) -> dict:
    try:
        value = parse_json_answer(text)
    except ValueError:
        return {"correct": False, "reason": "not JSON"}
    errors = [e.message for e in jsonschema.Draft202012Validator(item["schema"]).iter_errors(value)]
    return {"correct": not errors, "reason": errors[0][:200] if errors else None}


def check_instruction(check: dict, text: str) -> bool:
    """One programmatic instruction check (docs/evals.md lists each rule)."""
    kind = check["type"]
    if kind == "word_count":
        words = len(WORD.findall(text))
        return check.get("min", 0) <= words <= check.get("max", math.inf)
    if kind == "keywords":
        return all(word.lower() in text.lower() for word in check["all"])
    if kind == "forbidden":
        return not any(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in check["words"])
    if kind == "lowercase":
        return bool(text.strip()) and text == text.lower()
    if kind == "uppercase":
        return bool(text.strip()) and text == text.upper()
    if kind == "bullets":
        return len(BULLET.findall(text)) == check["count"]
    if kind == "ends_with":
        return text.strip().rstrip(".!").lower().endswith(check["text"].lower())
    if kind == "json":
        try:
            parse_json_answer(text)
        except ValueError:
            return False
        return True
    if kind == "json_schema":
        return score_json_schema({"schema": check["schema"]}, text)["correct"]
    raise ValueError(f"unknown instruction check {kind!r}")


def score_instructions(item: dict, text: str) -> dict:
    passed = [check_instruction(check, text) for check in item["checks"]]
    return {"correct": all(passed), "checks_passed": sum(passed), "checks_total": len(passed)}


SCORERS = {
    "exact": score_exact, "numeric": score_numeric, "regex": score_regex, "choice": score_choice,
    "json-schema": score_json_schema, "instructions": score_instructions,
}  # fmt: skip


def score(item: dict, text: str) -> dict:
    """Score a response; the refusal suite is classed by roofline.evals.refusal instead."""
    return SCORERS[item["scorer"]](item, text)
