from django.apps import AppConfig


class PandamonConfig(AppConfig):
    name = "pandamon"

    def ready(self) -> None:
        from pandamon import dbsession, schemacheck  # noqa: F401  (schemacheck registers the PanDA schema check)

        dbsession.register()
