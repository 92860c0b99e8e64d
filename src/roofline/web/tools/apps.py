from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "roofline.web.tools"
    label = "tools"
