from django.urls import path

from roofline.web.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
