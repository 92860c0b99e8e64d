"""The `eval` job kind: a server-side eval run with item and time limits; the scorecard is kept on its EvalRun."""

import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection
from django.urls import reverse
from pydantic import Field, field_validator

from roofline.evals.request import SHIPPED_SUITES, EvalRequest
from roofline.web.jobs.kinds import JobError, Progress, register_job_kind
from roofline.web.tools.evals.policy import EndpointRefused, check_address, check_endpoint

PROGRESS_INTERVAL_S = 0.25
SITE_MAX_CONCURRENCY = 32  # requests in flight from this server to one endpoint


class EvalJobRequest(EvalRequest):
    """What a site run may ask: shipped suites only, at most ROOFLINE_EVAL_MAX_ITEMS items per suite (the default
    too) and 32 requests in flight, no tokenizer download, no judge; `run` names the EvalRun (the key is never
    part of a request)."""

    run: str = Field(..., description="The EvalRun this job fills in.")

    @field_validator("suites")
    @classmethod
    def shipped_only(cls, suites: list[str]) -> list[str]:
        unknown = [s for s in suites if s not in SHIPPED_SUITES]
        if unknown or not suites:
            raise ValueError(f"choose suites from {', '.join(SHIPPED_SUITES)}")
        return suites

    @field_validator("limit")
    @classmethod
    def item_limit(cls, limit: int | None) -> int | None:
        if limit is not None and limit > settings.ROOFLINE_EVAL_MAX_ITEMS:
            raise ValueError(f"at most {settings.ROOFLINE_EVAL_MAX_ITEMS} items per suite on this site")
        return limit

    @field_validator("concurrency")
    @classmethod
    def site_concurrency(cls, concurrency: int) -> int:
        if concurrency > SITE_MAX_CONCURRENCY:
            raise ValueError(f"at most {SITE_MAX_CONCURRENCY} requests in flight on this site")
        return concurrency

    @field_validator("tokenizer", "judge_endpoint")
    @classmethod
    def cli_only(cls, value):
        if value is not None:
            raise ValueError("only available in the CLI")
        return value


def site_limit(request: EvalRequest) -> int:
    return request.limit or settings.ROOFLINE_EVAL_MAX_ITEMS


class ProgressReporter:
    """Forwards the engine's per-item progress to the job from one helper thread (the engine calls it inside its
    event loop, where Django's database calls are not allowed), at most every PROGRESS_INTERVAL_S."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eval-progress")
        self.last = 0.0

    def __call__(self, done: int, total: int, record: dict) -> None:
        now = time.monotonic()
        if done < total and now - self.last < PROGRESS_INTERVAL_S:
            return
        self.last = now
        note = f"{done}/{total} items; last: {record['suite']}/{record['id']}"
        if record["error"]:
            note += f" (error: {record['error_kind']})"
        self.pool.submit(self._send, done / total, note)

    def _send(self, fraction: float, note: str) -> None:
        try:
            self.progress(fraction, note)
        finally:
            connection.close()

    def close(self) -> None:
        self.pool.shutdown(wait=True)


@register_job_kind("eval", "Eval scorecard", EvalJobRequest)
def run_eval_job(request: EvalJobRequest, progress: Progress) -> dict:
    from roofline.evals.run import EvalError, run_eval  # here: the engine's imports load only in the worker
    from roofline.web.tools.evals.keys import take_key
    from roofline.web.tools.evals.models import EvalRun

    try:
        check_endpoint(request.endpoint)  # again at run time, and each connection below: see check_address
    except EndpointRefused as error:
        take_key(request.run)
        raise JobError(str(error)) from None
    api_key = take_key(request.run)
    engine_request = EvalRequest(**request.model_dump(exclude={"run"}) | {"limit": site_limit(request)})

    reporter = ProgressReporter(progress)
    try:
        card = run_eval(engine_request, api_key, None, reporter, allow_files=False,
                        max_duration_s=settings.ROOFLINE_EVAL_MAX_SECONDS,
                        address_guard=check_address).to_dict()  # fmt: skip
    except EvalError as error:
        raise JobError(str(error)) from None
    finally:
        reporter.close()
    EvalRun.objects.filter(pk=request.run).update(scorecard=card)
    url = reverse("tools:eval-run", args=[request.run])
    return {"run": request.run, "url": url, "complete": card["complete"], "errors": card["errors"]["total"]}
