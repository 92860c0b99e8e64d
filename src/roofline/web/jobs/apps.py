from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "roofline.web.jobs"
    label = "jobs"

    def ready(self) -> None:
        from roofline.web.jobs import selfcheck  # noqa: F401  (registers the selfcheck job kind)
