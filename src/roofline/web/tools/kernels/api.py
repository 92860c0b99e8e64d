"""Kernel benchmark runs in the JSON API: submit a results file with a member's API token (or a signed-in
session, CSRF checked), list and filter runs, read one run or the flat result rows."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError

from roofline.kernels.schema import InvalidResults
from roofline.web.discussions.api import WRITE_AUTH
from roofline.web.tools.kernels.actions import store_results
from roofline.web.tools.kernels.models import KernelRun
from roofline.web.tools.kernels.queries import filtered_results, filtered_runs, run_summary

router = Router(tags=["kernels"])
PAGE = 200


@router.post("/runs", auth=WRITE_AUTH, response={201: dict})
def submit_run(request):
    """Store a results file (the JSON `roofline bench --json` writes, schema roofline.kernels.results/1)."""
    import json

    try:
        data = json.loads(request.body)
    except ValueError:
        raise HttpError(422, "the body must be a results file (JSON)") from None
    try:
        run = store_results(data, owner=request.user)
    except InvalidResults as error:
        raise HttpError(422, str(error)) from None
    return Status(201, run_summary(run))


@router.get("/runs", response=list[dict])
def list_runs(request, kernel: str = "", device: str = "", dtype: str = "", shape: str = "", limit: int = 50):
    """Runs, newest first, filtered by kernel, device name, dtype and shape label."""
    params = {"kernel": kernel, "device": device, "dtype": dtype, "shape": shape}
    return [run_summary(run) for run in filtered_runs(params)[: max(1, min(limit, PAGE))]]


@router.get("/runs/{run_id}", response=dict)
def read_run(request, run_id: int):
    """One run: its summary and the whole results file."""
    run = get_object_or_404(KernelRun, pk=run_id)
    return {**run_summary(run), "data": run.data}


@router.get("/results", response=list[dict])
def list_results(request, kernel: str = "", device: str = "", dtype: str = "", shape: str = "", limit: int = 200):
    """Flat result rows across runs (one per run, shape, dtype and implementation), filtered as /runs."""
    params = {"kernel": kernel, "device": device, "dtype": dtype, "shape": shape}
    rows = filtered_results(params)[: max(1, min(limit, 1000))]
    return [
        {"run_id": r.run_id, "device_name": r.run.device_name, "kernel": r.kernel, "shape": r.shape_label,
         "size": r.size, "dtype": r.dtype, "impl": r.impl, "status": r.status, "median_s": r.median_s,
         "iqr_s": r.iqr_s, "tflops_per_s": r.tflops_per_s, "gb_per_s": r.gb_per_s,
         "roofline_fraction": r.roofline_fraction, "speedup": r.speedup}
        for r in rows
    ]  # fmt: skip
