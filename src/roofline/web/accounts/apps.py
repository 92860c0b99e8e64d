from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "roofline.web.accounts"
    label = "accounts"
