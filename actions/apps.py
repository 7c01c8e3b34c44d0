from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Job and task actions relayed to the PanDA server, and their audit"
