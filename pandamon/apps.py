from django.apps import AppConfig


class PandamonConfig(AppConfig):
    name = "pandamon"

    def ready(self) -> None:
        from pandamon import schemacheck  # noqa: F401  (registers the PanDA schema check)
