from django.urls import path

from roofline.web.tools import views
from roofline.web.tools.throughput import views as throughput
from roofline.web.tools.vram import views as vram

app_name = "tools"
urlpatterns = [
    path("", views.tool_index, name="index"),
    path("throughput/", throughput.page, name="throughput"),
    path("throughput/result/", throughput.result_fragment, name="throughput-result"),
    path("vram/", vram.page, name="vram"),
    path("vram/result/", vram.result_fragment, name="vram-result"),
    path("<slug:slug>/", views.tool_page, name="page"),
]
