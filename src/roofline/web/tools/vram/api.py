"""The VRAM calculator in the JSON API: GET, so results are cacheable and links shareable.

Inputs are query fields (the request's field names) or one `request` field holding the request JSON (needed for
a pasted config)."""

from ninja import Router
from ninja.errors import HttpError

from roofline.vram import VramRequest, estimate_vram
from roofline.web.tools.vram.inputs import FIELDS, request_from_query
from roofline.web.tools.vram.views import USER_ERRORS

router = Router(tags=["vram"])

_TYPES = {"batch": "integer", "seq": "integer", "zero": "integer", "gpus": "integer", "tp": "integer",
          "pp": "integer", "lora_rank": "integer", "block_size": "integer", "prefill_chunk": "integer",
          "gpu_memory_utilization": "number", "mixed_precision": "boolean", "sequence_parallel": "boolean",
          "cpu_offload": "boolean", "qlora": "boolean"}  # fmt: skip
_EXTRA = {
    "config": "A pasted config.json (JSON text), instead of `model`.",
    "request": "The whole request as JSON (as the CLI and article embeds write it); overrides the other fields.",
}


def _parameter(name: str, description: str | None) -> dict:
    schema = {"type": _TYPES.get(name, "string")}
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


INPUTS = {
    "openapi_extra": {
        "parameters": [_parameter(name, VramRequest.model_fields[name].description) for name in FIELDS]
        + [_parameter(name, description) for name, description in _EXTRA.items()]
    }
}


@router.get("/vram", response=dict, **INPUTS)
def vram_estimate(request):
    """Per-GPU memory breakdown (bytes, with formulas), peak and phase, verdict, largest micro-batch, suggestions."""
    try:
        return estimate_vram(request_from_query(request.GET), allow_local_files=False).to_dict()
    except USER_ERRORS as error:
        raise HttpError(422, str(error)) from None
