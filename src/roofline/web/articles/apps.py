from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "roofline.web.articles"
    label = "articles"

    def ready(self) -> None:
        from roofline.web.articles import signals  # noqa: F401  (connects the search-index clean-up)
