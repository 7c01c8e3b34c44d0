"""Point models at other table names for one test (a deployment's schema, a missing
table), then back. Django caches each field's column reference with its table name
(Field.cached_col), so that cache is dropped both ways."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pandamon import introspection


def _set(model, table: str) -> None:
    model._meta.db_table = table
    for field in model._meta.concrete_fields:
        field.__dict__.pop("cached_col", None)


@contextmanager
def renamed(tables: dict) -> Iterator[None]:
    """{model: new db_table} for the duration of the block."""
    saved = {model: model._meta.db_table for model in tables}
    try:
        for model, table in tables.items():
            _set(model, table)
        introspection.forget()
        yield
    finally:
        for model, table in saved.items():
            _set(model, table)
        introspection.forget()
