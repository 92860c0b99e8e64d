from django.apps import AppConfig


class KernelsConfig(AppConfig):
    name = "roofline.web.tools.kernels"
    label = "kernels"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from roofline.web.tools.kernels import jobs  # noqa: F401  (registers the "kernels" job kind)
