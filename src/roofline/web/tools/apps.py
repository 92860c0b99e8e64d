from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "roofline.web.tools"
    label = "tools"

    def ready(self) -> None:
        from roofline.web.tools.throughput import embed  # noqa: F401  (registers ```roofline:throughput)
        from roofline.web.tools.vram import embed as vram_embed  # noqa: F401  (registers ```roofline:vram)
