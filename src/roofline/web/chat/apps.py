from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "roofline.web.chat"
    label = "chat"
