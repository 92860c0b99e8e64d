"""The VRAM calculator in the JSON API: GET, so results are cacheable and links shareable.

Inputs are query fields (the request's field names) or one `request` field holding the request JSON (needed for
a pasted config)."""

from ninja import Router
from ninja.errors import HttpError

from roofline.vram import VramRequest, estimate_vram
from roofline.web.tools.query import openapi_inputs
from roofline.web.tools.vram.inputs import FIELDS, request_from_query
from roofline.web.tools.vram.views import USER_ERRORS

router = Router(tags=["vram"])

INPUTS = openapi_inputs(VramRequest, FIELDS)


@router.get("/vram", response=dict, **INPUTS)
def vram_estimate(request):
    """Per-GPU memory breakdown (bytes, with formulas), peak and phase, verdict, largest micro-batch, suggestions."""
    try:
        return estimate_vram(request_from_query(request.GET), allow_local_files=False).to_dict()
    except USER_ERRORS as error:
        raise HttpError(422, str(error)) from None
