from django.urls import path

from roofline.web.tools import views

app_name = "tools"
urlpatterns = [
    path("", views.tool_index, name="index"),
    path("<slug:slug>/", views.tool_page, name="page"),
]
