"""The throughput estimator in the JSON API: GET, so results are cacheable and links shareable.

Inputs are query fields (model, gpu, gpus, weights, kv_dtype, batch, context, prompt, output, efficiency) or
one `request` field holding the request JSON (needed for a pasted config).
"""

from ninja import Router
from ninja.errors import HttpError

from roofline.throughput import ThroughputRequest, compare_accelerators, estimate_throughput, sweep_batch
from roofline.web.tools.throughput.inputs import FIELDS, request_from_query
from roofline.web.tools.throughput.views import USER_ERRORS

router = Router(tags=["throughput"])

# The inputs are read from the query by request_from_query (so every face reports errors alike), not declared
# to ninja; they are described here so /api/openapi.json and /api/docs list them.
_TYPES = {"gpus": "integer", "batch": "integer", "context": "integer", "prompt": "integer", "output": "integer",
          "efficiency": "number"}  # fmt: skip
_EXTRA = {
    "config": "A pasted config.json (JSON text), instead of `model`.",
    "request": "The whole request as JSON (as the CLI and article embeds write it); overrides the other fields.",
}


def _parameter(name: str, description: str | None) -> dict:
    schema = {"type": _TYPES.get(name, "string")}
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


INPUTS = {
    "openapi_extra": {
        "parameters": [_parameter(name, ThroughputRequest.model_fields[name].description) for name in FIELDS]
        + [_parameter(name, description) for name, description in _EXTRA.items()]
    }
}


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
