from django.apps import AppConfig


class EvalsToolConfig(AppConfig):
    name = "roofline.web.tools.evals"
    label = "evals_tool"
    verbose_name = "Eval scorecard"

    def ready(self) -> None:
        from roofline.web.tools.evals import embed, jobs  # noqa: F401  (registers the job kind and the embed)
