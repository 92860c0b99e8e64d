"""Eval scorecard: quality, latency, cost and refusal rate of any inference endpoint, side by side.

from roofline.evals import EvalRequest, run_eval
card = run_eval(EvalRequest(endpoint="http://localhost:8000/v1", model="m", suites=["arithmetic"]), api_key=None)
card.to_dict()["suites"][0]["metrics"]

Names are imported on first use (PEP 562), so that registering the site's job kind does not load httpx, numpy
and jsonschema into every process that starts Django.
"""

from importlib import import_module

_WHERE = {
    "SCHEMA": "scorecard", "validate_scorecard": "scorecard", "SHIPPED_SUITES": "request", "EvalRequest": "request",
    "EvalError": "run", "EvalResult": "run", "run_eval": "run", "compare_scorecards": "compare",
}  # fmt: skip
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'roofline.evals' has no attribute {name!r}")
    return getattr(import_module(f"roofline.evals.{_WHERE[name]}"), name)
