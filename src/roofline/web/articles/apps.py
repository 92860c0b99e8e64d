from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "roofline.web.articles"
    label = "articles"
