"""Starting a site eval run: validate, refuse internal endpoints, seal the key, queue the job."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from roofline.web.jobs.actions import submit_job
from roofline.web.tools.evals.jobs import EvalJobRequest
from roofline.web.tools.evals.keys import seal
from roofline.web.tools.evals.models import EvalRun
from roofline.web.tools.evals.policy import EndpointRefused, check_endpoint

UNCLAIMED_KEY_TTL = timedelta(hours=1)


class RunRefused(ValueError):
    """The submission cannot run; the message is for the user."""


def describe_validation(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())


def start_run(fields: dict, api_key: str | None, owner) -> EvalRun:
    """Create an EvalRun and its job. `fields` is the request JSON without `run`; the key travels apart from it."""
    if "api_key" in fields:
        raise RunRefused("send the API key as `api_key` beside the request, never inside it")
    try:
        EvalJobRequest.model_validate({**fields, "run": "pending"})
    except ValidationError as error:
        raise RunRefused(describe_validation(error)) from None
    try:
        check_endpoint(fields["endpoint"])
    except EndpointRefused as error:
        raise RunRefused(str(error)) from None
    EvalRun.objects.filter(sealed_key__isnull=False, created_at__lt=timezone.now() - UNCLAIMED_KEY_TTL).update(
        sealed_key=None
    )
    with transaction.atomic():
        run = EvalRun.objects.create(owner=owner, model_name=fields["model"],
                                     sealed_key=seal(api_key) if api_key else None)  # fmt: skip
        run.job = submit_job("eval", {**fields, "run": str(run.id)}, owner=owner)
        run.save(update_fields=["job"])
    return run
