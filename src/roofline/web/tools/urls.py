from django.urls import path

from roofline.web.tools import views
from roofline.web.tools.attention import views as attention
from roofline.web.tools.throughput import views as throughput

app_name = "tools"
urlpatterns = [
    path("", views.tool_index, name="index"),
    path("attention/", attention.page, name="attention"),
    path("throughput/", throughput.page, name="throughput"),
    path("throughput/result/", throughput.result_fragment, name="throughput-result"),
    path("<slug:slug>/", views.tool_page, name="page"),
]
