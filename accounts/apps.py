from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Who is looking: logins, preferences, saved views, API tokens"
