"""Which models get a table, and the per-period copies of the archive model (split layout)."""

from __future__ import annotations

from django.apps import apps
from django.apps.registry import Apps
from django.db import models

from jobs.models import Jobsarchived
from pandamon.models import PandaModel
from pandamon.schema import panda_table


def panda_models() -> list[type[PandaModel]]:
    """Every concrete model of one of PanDA's tables, in app order."""
    return [model for model in apps.get_models() if issubclass(model, PandaModel)]


def period_model(table: str) -> type[PandaModel]:
    """A read-only model with the archive's columns and indexes, stored in `table`.

    The split layout has one such table per two-month period. The class lives in a
    private app registry so that creating one per period (and again on every call)
    neither warns about re-registration nor adds models to the project.
    """
    # Index names are unique per database on SQLite and per schema on PostgreSQL,
    # so each period table gets its own: jobsarchived_modtime -> <table>_modtime.
    prefix = f"{Jobsarchived._meta.model_name}_"
    indexes = [
        models.Index(fields=index.fields, name=f"{table.lower()}_{index.name.removeprefix(prefix)}")
        for index in Jobsarchived._meta.indexes
    ]
    meta = type(
        "Meta",
        (PandaModel.Meta,),
        {
            "app_label": Jobsarchived._meta.app_label,
            "apps": Apps(),
            "db_table": panda_table(table, archive=True),
            "indexes": indexes,
        },
    )
    # clone() rebuilds each field from its deconstruction: same column, type,
    # NOT NULL, db_default, and the (pandaid, modificationtime) key.
    fields = {field.name: field.clone() for field in Jobsarchived._meta.local_fields}
    return type(table, (PandaModel,), {"__module__": __name__, "Meta": meta, **fields})
