"""Send PanDA's tables to the "panda" database and keep every write away from it."""

from __future__ import annotations

PANDA_DB = "panda"


class ReadOnlyError(RuntimeError):
    """Raised when code tries to write to PanDA's database through a model."""


def is_panda_model(model) -> bool:
    return getattr(model, "panda_table", False)


class PandaRouter:
    def db_for_read(self, model, **hints):
        return PANDA_DB if is_panda_model(model) else None

    def db_for_write(self, model, **hints):
        # Django asks this before every save, update, delete and bulk_create, so
        # refusing here stops the write before any SQL is sent.
        if is_panda_model(model):
            raise ReadOnlyError(f"{model._meta.db_table} is PanDA's table; the monitor never writes to it")
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == PANDA_DB:
            return False  # tables there are PanDA's (demo: create_panda_schema)
        model = hints.get("model")
        if model is not None and is_panda_model(model):
            return False
        return None
