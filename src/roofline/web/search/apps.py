from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "roofline.web.search"
    label = "search"
