"""Storing a results file: validated against the schema, saved with one row per result, in one transaction."""

from django.db import transaction

from roofline.kernels import validate_results
from roofline.web.tools.kernels.models import KernelResult, KernelRun

MAX_RESULTS = 5000  # rows per file: a sweep of 50 shapes × 4 dtypes × 25 implementations


@transaction.atomic
def store_results(data: dict, owner=None, source: str = KernelRun.Source.API) -> KernelRun:
    """Save a results file; raises roofline.kernels.InvalidResults (message for the user) when it is not one."""
    from roofline.kernels import InvalidResults

    parsed = validate_results(data)
    if len(parsed.results) > MAX_RESULTS:
        raise InvalidResults(f"a results file holds at most {MAX_RESULTS} results; this one has {len(parsed.results)}")
    if not parsed.results:
        raise InvalidResults("the results file has no results")
    clean = parsed.model_dump(mode="json", by_alias=True)
    run = KernelRun.objects.create(
        owner=owner, source=source, kernel=parsed.kernel.get("name", parsed.results[0].kernel)[:100],
        device_name=parsed.environment.device_name[:200], device_kind=parsed.environment.device,
        measured_at=parsed.created_at[:40], data=clean,
    )  # fmt: skip
    KernelResult.objects.bulk_create(
        KernelResult(
            run=run,
            kernel=r.kernel[:100],
            shape_label=r.shape_label[:100],
            size=r.size,
            dtype=r.dtype[:16],
            impl=r.impl[:100],
            family=r.family[:16],
            status=r.status,
            reason=r.reason or "",
            median_s=r.timing.median_s if r.timing else None,
            iqr_s=r.timing.iqr_s if r.timing else None,
            tflops_per_s=r.tflops_per_s,
            gb_per_s=r.gb_per_s,
            roofline_fraction=r.roofline_fraction,
            speedup=r.speedup,
        )  # fmt: skip
        for r in parsed.results
    )
    return run
