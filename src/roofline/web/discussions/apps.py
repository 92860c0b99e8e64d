from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "roofline.web.discussions"
    label = "discussions"
