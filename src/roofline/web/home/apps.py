from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "roofline.web.home"
    label = "home"
