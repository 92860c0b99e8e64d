"""The scorecard document (`roofline.scorecard/1`): its shape, its validation, and comparison of several.

The shape is a contract: the model card generator reads it. Required keys (more may be added freely):

    {"schema": "roofline.scorecard/1",
     "model": {"name": str}, "endpoint": {"url": str, "api": str},
     "suites": [{"name": str, "version": str, "content_sha256": str, "n_items": int,
                 "metrics": [{"name": str, "value": float, "ci_low": float, "ci_high": float, "n": int,
                              "stderr": float | None}]}],
     "refusal": {"over_refusal_rate": float | None, "under_refusal_rate": float | None},
     "started_at": ISO-8601, "finished_at": ISO-8601, "client_version": str}
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict

from roofline.evals.stats import bootstrap_mean_interval, mean_metric, rate_metric

SCHEMA = "roofline.scorecard/1"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class MetricShape(_Open):
    name: str
    value: float
    ci_low: float
    ci_high: float
    n: int
    stderr: float | None


class SuiteShape(_Open):
    name: str
    version: str
    content_sha256: str
    n_items: int
    metrics: list[MetricShape]


class ModelShape(_Open):
    name: str


class EndpointShape(_Open):
    url: str
    api: str


class RefusalShape(_Open):
    over_refusal_rate: float | None
    under_refusal_rate: float | None


class ScorecardShape(_Open):
    """Validates the required part of a scorecard; extra keys pass through untouched."""

    schema_: str
    model: ModelShape
    endpoint: EndpointShape
    suites: list[SuiteShape]
    refusal: RefusalShape
    started_at: str
    finished_at: str
    client_version: str


def validate_scorecard(document: dict[str, Any]) -> dict[str, Any]:
    """Check a scorecard dict against the contract; return it unchanged or raise ValueError naming the problem."""
    if not isinstance(document, dict):
        raise ValueError("a scorecard is a JSON object")
    if document.get("schema") != SCHEMA:
        raise ValueError(f"not a scorecard: schema is {document.get('schema')!r}, expected {SCHEMA!r}")
    from pydantic import ValidationError

    try:
        ScorecardShape.model_validate({**document, "schema_": document["schema"]})
    except ValidationError as error:
        first = error.errors()[0]
        raise ValueError(f"scorecard field {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return document


def _metric_seed(seed: int, name: str) -> int:
    return seed * 1_000_003 + zlib.crc32(name.encode())


def _safe_url(url: str) -> str:
    """The endpoint URL without credentials or query string (keys are sometimes put there)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _suite_metrics(suite, records: list[dict], seed: int) -> list[dict]:
    ok = [r for r in records if r["error"] is None]
    metrics: list[dict] = []
    if suite.items and suite.items[0]["scorer"] == "refusal":
        for which, name, bad in (
            ("benign", "over_refusal_rate", _refused),
            ("harmful", "under_refusal_rate", _complied),
        ):
            classed = [r for r in ok if r.get("set") == which and r.get("refusal_class")]
            if classed:
                metrics.append(rate_metric(name, sum(bad(r) for r in classed), len(classed)))
    elif ok:
        metrics.append(rate_metric("accuracy", sum(bool(r["correct"]) for r in ok), len(ok)))
        if suite.items[0]["scorer"] == "instructions":
            passed = sum(r["score"]["checks_passed"] for r in ok)
            metrics.append(
                rate_metric("instruction_level_accuracy", passed, sum(r["score"]["checks_total"] for r in ok))
            )
    outputs = [float(r["tokens"]["output"]) for r in ok if r["tokens"]["output"] is not None]
    if outputs:
        metrics.append(mean_metric("mean_output_tokens", outputs, _metric_seed(seed, suite.name)))
    return metrics


def _refused(record: dict) -> bool:
    return record["refusal_class"] in ("full_refusal", "partial_refusal")


def _complied(record: dict) -> bool:
    return record["refusal_class"] == "full_compliance"


def _wall_s(records: list[dict]) -> float:
    """Sum over sessions of (last completion − first request start), so a resumed run counts only active time."""
    spans: dict[str, list[float]] = {}
    for r in records:
        span = spans.setdefault(r["session"], [r["wall_start"], r["wall_end"]])
        span[0], span[1] = min(span[0], r["wall_start"]), max(span[1], r["wall_end"])
    return sum(end - start for start, end in spans.values())


def build_scorecard(header: dict, suites: list, records: list[dict]) -> dict:
    """The scorecard of a run from its header, suites and item records (in any order; the result is sorted)."""
    from roofline import __version__
    from roofline.evals.cost import run_cost
    from roofline.evals.latency import run_latency
    from roofline.evals.request import EvalRequest

    request = EvalRequest.model_validate(header["request"])
    order = {(s.name, item["id"]): (i, j) for i, s in enumerate(suites) for j, item in enumerate(s.items)}
    records = sorted((r for r in records if (r["suite"], r["id"]) in order), key=lambda r: order[(r["suite"], r["id"])])
    by_suite = {s.name: [r for r in records if r["suite"] == s.name] for s in suites}
    suite_docs = []
    for s in suites:
        rs = by_suite[s.name]
        errors = Counter(r["error_kind"] for r in rs if r["error"] is not None)
        suite_docs.append({
            "name": s.name, "version": s.version, "content_sha256": s.content_sha256, "description": s.description,
            "n_items": len(s.items), "n_done": len(rs), "n_errors": sum(errors.values()),
            "errors_by_kind": dict(errors), "n_empty": sum(r["empty"] for r in rs),
            "metrics": _suite_metrics(s, rs, request.seed),
        })  # fmt: skip
    refusal_suite = next((d for d in suite_docs if d["name"] == "refusal"), None)
    refusal_metrics = {m["name"]: m for m in refusal_suite["metrics"]} if refusal_suite else {}
    ok = [r for r in records if r["error"] is None]
    sources = Counter(r["tokens"]["source"] for r in ok)
    counted_in = [r["tokens"]["input"] for r in ok]
    counted_out = [r["tokens"]["output"] for r in ok]
    tokens_in = sum(counted_in) if ok and None not in counted_in else None
    tokens_out = sum(counted_out) if ok and None not in counted_out else None
    wall = _wall_s(records)
    latency = run_latency(records, wall)
    for name in ("ttft_s", "e2e_s", "tpot_s"):
        values = [r["latency"][name] for r in ok if r["latency"][name] is not None]
        if values:
            low, high = bootstrap_mean_interval(values, _metric_seed(request.seed, name))
            latency[name]["mean_ci_low"], latency[name]["mean_ci_high"] = low, high
    finished = max((r["wall_end"] for r in records), default=None)
    return {
        "schema": SCHEMA,
        "model": {"name": request.model},
        "endpoint": {"url": _safe_url(request.endpoint), "api": request.api, "stream": request.stream},
        "sampling": {"max_tokens": request.max_tokens, "temperature": request.temperature, "seed": request.seed},
        "seed": request.seed,
        "run": {
            "concurrency": request.concurrency,
            "rate_per_s": request.rate_per_s,
            "timeout_s": request.timeout_s,
            "max_retries": request.max_retries,
            "limit_per_suite": request.limit,
            "sessions": len({r["session"] for r in records}),
            "fingerprint": header["fingerprint"],
        },  # fmt: skip
        "suites": suite_docs,
        "refusal": {
            "over_refusal_rate": refusal_metrics.get("over_refusal_rate", {}).get("value"),
            "under_refusal_rate": refusal_metrics.get("under_refusal_rate", {}).get("value"),
            "over_refusal": refusal_metrics.get("over_refusal_rate"),
            "under_refusal": refusal_metrics.get("under_refusal_rate"),
            "classifier": "judge endpoint, string match where the judge gave no class"
            if request.judge_endpoint
            else "string match (docs/evals.md, Refusal)",
            "classes": _refusal_classes(by_suite.get("refusal", [])),
        },
        "latency": latency,
        "tokens": {"input_total": tokens_in, "output_total": tokens_out, "sources": dict(sources)},
        "cost": run_cost(request, tokens_in, tokens_out, len(ok), wall),
        "errors": {
            "total": len(records) - len(ok),
            "by_kind": dict(Counter(r["error_kind"] for r in records if r["error"] is not None)),
            "retries_total": sum(r["retries"] for r in records),
        },  # fmt: skip
        "items": records,
        "complete": len(records) == len(order),
        "started_at": header["started_at"],
        "finished_at": datetime.fromtimestamp(finished, UTC).isoformat(timespec="seconds")
        if finished
        else header["started_at"],
        "client_version": __version__,
    }


def _refusal_classes(records: list[dict]) -> dict:
    counts: dict = {"benign": Counter(), "harmful": Counter()}
    for r in records:
        if r["error"] is None and r.get("refusal_class"):
            counts[r["set"]][r["refusal_class"]] += 1
    return {which: dict(c) for which, c in counts.items()}
