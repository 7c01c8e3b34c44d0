"""Which models get a table, and copies of them placed where a layout puts their table.

The models' own db_table follows the settings (pandamon.schema); a layout may put
the same columns in other schemas (oracle-atlas, a scratch copy of postgres-doma)
or under other names (the split archive's per-period tables). A copy lives in a
private app registry, so making one per table (and again on every call) neither
warns about re-registration nor adds models to the project.
"""

from __future__ import annotations

from django.apps import apps
from django.apps.registry import Apps
from django.db import models

from jobs.models import Jobsarchived
from pandamon.introspection import split_table
from pandamon.models import PandaModel
from pandamon.schema import panda_table


def panda_models() -> list[type[PandaModel]]:
    """Every concrete model of one of PanDA's tables, in app order."""
    return [model for model in apps.get_models() if issubclass(model, PandaModel)]


def table_name(model: type[PandaModel]) -> str:
    """The model's table without its schema, lower case: what layouts select by."""
    return split_table(model._meta.db_table)[1].lower()


def qualified(schema: str, table: str, vendor: str) -> str:
    """db_table for `table` in `schema`, written as pandamon.schema writes it."""
    if not schema:
        return table
    quote = "`" if vendor == "mysql" else '"'
    return f"{schema}{quote}.{quote}{table}"


def _renamed(item, name: str):
    # Indexes and constraints rebuilt from their deconstruction, under a new name.
    path, args, kwargs = item.deconstruct()
    return type(item)(*args, **{**kwargs, "name": name})


def placed_model(
    model: type[PandaModel], db_table: str, *, indexes: list[models.Index] | None = None, rename=None
) -> type[PandaModel]:
    """A read-only copy of `model` stored in `db_table`, with `indexes` (default: the model's).

    `rename` maps an index or constraint name to the copy's (names are unique per
    schema, so per-period tables need their own).
    """
    rename = rename or (lambda name: name)
    if indexes is None:
        indexes = [_renamed(index, rename(index.name)) for index in model._meta.indexes]
    meta = type(
        "Meta",
        (PandaModel.Meta,),
        {
            "app_label": model._meta.app_label,
            "apps": Apps(),
            "db_table": db_table,
            "indexes": indexes,
            "constraints": [_renamed(c, rename(c.name)) for c in model._meta.constraints],
        },
    )
    # clone() rebuilds each field from its deconstruction: same column, type,
    # NOT NULL, db_default, and the composite key.
    fields = {field.name: field.clone() for field in model._meta.local_fields}
    attrs = {"__module__": __name__, "Meta": meta, **fields}
    attrs["panda_no_primary_key"] = getattr(model, "panda_no_primary_key", False)
    return type(model.__name__, (PandaModel,), attrs)


def period_model(table: str) -> type[PandaModel]:
    """The archive's columns and indexes in a split-layout period table `table`."""
    # Index names are unique per database on SQLite and per schema on PostgreSQL,
    # so each period table gets its own: jobsarchived_modtime -> <table>_modtime.
    prefix = f"{Jobsarchived._meta.model_name}_"
    return placed_model(
        Jobsarchived,
        panda_table(table, archive=True),
        rename=lambda name: f"{table.lower()}_{name.removeprefix(prefix)}",
    )
