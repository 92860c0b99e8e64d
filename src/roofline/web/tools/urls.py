from django.urls import path

from roofline.web.tools import views
from roofline.web.tools.kernels import views as kernels
from roofline.web.tools.throughput import views as throughput

app_name = "tools"
urlpatterns = [
    path("", views.tool_index, name="index"),
    path("throughput/", throughput.page, name="throughput"),
    path("throughput/result/", throughput.result_fragment, name="throughput-result"),
    path("kernels/", kernels.page, name="kernels"),
    path("kernels/runs/<int:run_id>/", kernels.run_detail, name="kernels-run"),
    path("kernels/compare/", kernels.compare, name="kernels-compare"),
    path("kernels/start/", kernels.start, name="kernels-start"),
    path("<slug:slug>/", views.tool_page, name="page"),
]
