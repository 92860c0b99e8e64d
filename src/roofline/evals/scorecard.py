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

from typing import Any

from pydantic import BaseModel, ConfigDict

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
