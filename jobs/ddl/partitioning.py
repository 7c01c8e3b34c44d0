"""Range partitioning of the archive by modificationtime, one partition per month.

Every reader bounds the archive by modificationtime (fact sheet §5), so monthly
range partitions let the database prune to the months a query's window touches.
Each backend spells it differently; the spelling sits in one module per backend
(mysql, postgresql, oracle). SQLite has no partitioning: the archive stays a plain table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

PARTITION_KEY = "modificationtime"


@dataclass(frozen=True)
class Partitioning:
    """How one table is partitioned, as pieces of DDL around Django's own CREATE TABLE."""

    clause: str  # appended to CREATE TABLE (...)
    statements: list[str] = field(default_factory=list)  # run after it (PostgreSQL's partitions)
    index_suffix: str = ""  # appended to each CREATE INDEX (Oracle: LOCAL)


@dataclass(frozen=True)
class Month:
    """One partition: rows with modificationtime in [start, end)."""

    start: dt.datetime
    end: dt.datetime

    @property
    def name(self) -> str:
        return f"p{self.start:%Y%m}"  # p202611 holds November 2026


def months(bounds: list[dt.datetime]) -> list[Month]:
    """Monthly partitions between consecutive month starts (jobs.archive.month_starts)."""
    return [Month(start, end) for start, end in pairwise(bounds)]


Dialect = Callable[[BaseDatabaseSchemaEditor, type[Model], list[Month]], Partitioning]


def partitioning(
    editor: BaseDatabaseSchemaEditor, model: type[Model], bounds: list[dt.datetime]
) -> Partitioning | None:
    """The archive's partitioning on the editor's backend, or None where there is none."""
    from jobs.ddl import mysql, oracle, postgresql

    dialects: dict[str, Dialect] = {
        "mysql": mysql.partitioning,
        "postgresql": postgresql.partitioning,
        "oracle": oracle.partitioning,
    }
    dialect = dialects.get(editor.connection.vendor)
    return dialect(editor, model, months(bounds)) if dialect else None


def key_column(editor: BaseDatabaseSchemaEditor, model: type[Model]) -> str:
    return editor.quote_name(model._meta.get_field(PARTITION_KEY).column)
