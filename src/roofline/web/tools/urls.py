from django.urls import path

from roofline.web.tools import views
from roofline.web.tools.attention import views as attention
from roofline.web.tools.card import views as card
from roofline.web.tools.evals import views as evals
from roofline.web.tools.kernels import views as kernels
from roofline.web.tools.throughput import views as throughput
from roofline.web.tools.vram import views as vram

app_name = "tools"
urlpatterns = [
    path("", views.tool_index, name="index"),
    path("attention/", attention.page, name="attention"),
    path("throughput/", throughput.page, name="throughput"),
    path("throughput/result/", throughput.result_fragment, name="throughput-result"),
    path("card/", card.page, name="card"),
    path("card/preview/", card.preview, name="card-preview"),
    path("card/download/", card.download, name="card-download"),
    path("eval/", evals.page, name="eval"),
    path("eval/runs/<uuid:run_id>/", evals.run_detail, name="eval-run"),
    path("eval/runs/<uuid:run_id>/scorecard.json", evals.scorecard_json, name="eval-scorecard-json"),
    path("eval/compare/", evals.compare, name="eval-compare"),
    path("kernels/", kernels.page, name="kernels"),
    path("kernels/runs/<int:run_id>/", kernels.run_detail, name="kernels-run"),
    path("kernels/compare/", kernels.compare, name="kernels-compare"),
    path("kernels/start/", kernels.start, name="kernels-start"),
    path("vram/", vram.page, name="vram"),
    path("vram/result/", vram.result_fragment, name="vram-result"),
]
