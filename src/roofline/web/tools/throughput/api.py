"""The throughput estimator in the JSON API: GET, so results are cacheable and links shareable.

Inputs are query fields (model, gpu, gpus, weights, kv_dtype, batch, context, prompt, output, efficiency) or
one `request` field holding the request JSON (needed for a pasted config).
"""

from ninja import Router
from ninja.errors import HttpError

from roofline.throughput import ThroughputRequest, compare_accelerators, estimate_throughput, sweep_batch
from roofline.web.tools.query import openapi_inputs
from roofline.web.tools.throughput.inputs import FIELDS, request_from_query
from roofline.web.tools.throughput.views import USER_ERRORS

router = Router(tags=["throughput"])

INPUTS = openapi_inputs(ThroughputRequest, FIELDS)


def _answer(request, engine, **kwargs):
    try:
        return engine(request_from_query(request.GET), allow_local_files=False, **kwargs)
    except USER_ERRORS as error:
        raise HttpError(422, str(error)) from None


@router.get("/throughput", response=dict, **INPUTS)
def throughput_estimate(request):
    """Decode, prefill, whole-request and memory-fit estimate, with assumptions and sources."""
    return _answer(request, estimate_throughput).to_dict()


@router.get("/throughput/sweep", response=dict, **INPUTS)
def throughput_sweep(request, points: int = 64):
    """Decode tokens/s per sequence and in total for batches from 1 to the largest that fits."""
    return _answer(request, sweep_batch, points=max(2, min(points, 256)))


@router.get("/throughput/compare", response=list[dict], **INPUTS)
def throughput_compare(request):
    """The same estimate on every accelerator in the catalog."""
    return _answer(request, compare_accelerators)
