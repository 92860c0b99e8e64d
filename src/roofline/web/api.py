"""The JSON API (django-ninja): one router per feature, schema at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

import roofline
from roofline.web.discussions.api import router as discussions_router
from roofline.web.jobs.api import router as jobs_router
from roofline.web.tools.attention.api import router as attention_router
from roofline.web.tools.card.api import router as card_router
from roofline.web.tools.evals.api import router as eval_router
from roofline.web.tools.kernels.api import router as kernels_router
from roofline.web.tools.throughput.api import router as throughput_router
from roofline.web.tools.vram.api import router as vram_router

api = NinjaAPI(
    title="Roofline API",
    version=roofline.__version__,
    description="Every tool's engine behind one JSON API; the same request JSON works in the CLI and the pages.",
)
api.add_router("/jobs/", jobs_router)
api.add_router("/discussions/", discussions_router)
api.add_router("/tools/", throughput_router)
api.add_router("/tools/", attention_router)
api.add_router("/tools/", card_router)
api.add_router("/tools/", eval_router)
api.add_router("/tools/kernels/", kernels_router)
api.add_router("/tools/", vram_router)
