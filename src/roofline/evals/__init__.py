"""Eval scorecard: quality, latency, cost and refusal rate of any inference endpoint, side by side.

from roofline.evals import EvalRequest, run_eval
card = run_eval(EvalRequest(endpoint="http://localhost:8000/v1", model="m", suites=["arithmetic"]), api_key=None)
card.to_dict()["suites"][0]["metrics"]
"""

from roofline.evals.compare import compare_scorecards
from roofline.evals.request import SHIPPED_SUITES, EvalRequest
from roofline.evals.run import EvalError, EvalResult, run_eval
from roofline.evals.scorecard import SCHEMA, validate_scorecard

__all__ = [
    "SCHEMA",
    "SHIPPED_SUITES",
    "EvalError",
    "EvalRequest",
    "EvalResult",
    "compare_scorecards",
    "run_eval",
    "validate_scorecard",
]
