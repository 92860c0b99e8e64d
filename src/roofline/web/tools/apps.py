from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "roofline.web.tools"
    label = "tools"

    def ready(self) -> None:
        from roofline.web.tools.attention import embed as attention_embed  # noqa: F401  (```roofline:attention)
        from roofline.web.tools.attention import jobs as attention_jobs  # noqa: F401  (the attention job kind)
        from roofline.web.tools.throughput import embed  # noqa: F401  (registers ```roofline:throughput)
        from roofline.web.tools.vram import embed as vram_embed  # noqa: F401  (registers ```roofline:vram)
