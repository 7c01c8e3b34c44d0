"""Range partitioning by a time column, one partition per day or per month.

Readers bound PanDA's partitioned tables by their time column (fact sheet §5), so
range partitions let the database prune to the days or months a query's window
touches. Each backend spells it differently; the spelling sits in one module per
backend (mysql, postgresql, oracle). SQLite has no partitioning: tables stay plain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from jobs.archive import month_starts
from jobs.ddl.layouts import DAY, MONTH, Ranges

PARTITION_KEY = "modificationtime"


@dataclass(frozen=True)
class Partitioning:
    """How one table is partitioned, as pieces of DDL around Django's own CREATE TABLE."""

    clause: str  # appended to CREATE TABLE (...)
    statements: list[str] = field(default_factory=list)  # run after it (PostgreSQL's partitions)
    index_suffix: str = ""  # appended to each CREATE INDEX (Oracle: LOCAL)
    key: str = PARTITION_KEY  # the partitioning column's attribute name
    # PostgreSQL and MariaDB want the partition key in every unique key.
    key_in_unique: bool = True


@dataclass(frozen=True)
class Part:
    """One partition: rows with key in [start, end)."""

    start: dt.datetime
    end: dt.datetime
    interval: str = MONTH

    @property
    def name(self) -> str:
        # p202611 holds November 2026, p20261105 the 5th.
        return f"p{self.start:%Y%m}" if self.interval == MONTH else f"p{self.start:%Y%m%d}"


def months(bounds: list[dt.datetime]) -> list[Part]:
    """Monthly partitions between consecutive month starts (jobs.archive.month_starts)."""
    return [Part(start, end, MONTH) for start, end in pairwise(bounds)]


def days(start: dt.datetime, end: dt.datetime) -> list[Part]:
    """Daily partitions covering every day from start's to end's."""
    first = dt.datetime(start.year, start.month, start.day)
    count = (dt.datetime(end.year, end.month, end.day) - first).days + 1
    return [Part(first + dt.timedelta(d), first + dt.timedelta(d + 1), DAY) for d in range(count)]


def parts(ranges: Ranges, start: dt.datetime, end: dt.datetime) -> list[Part]:
    return days(start, end) if ranges.interval == DAY else months(month_starts(start, end))


Dialect = Callable[[BaseDatabaseSchemaEditor, type[Model], str, list[Part]], Partitioning]


def partitioning(
    editor: BaseDatabaseSchemaEditor, model: type[Model], ranges: Ranges, start: dt.datetime, end: dt.datetime
) -> Partitioning | None:
    """`model`'s table partitioned by `ranges` on the editor's backend, or None where there is none."""
    from jobs.ddl import mysql, oracle, postgresql

    dialects: dict[str, Dialect] = {
        "mysql": mysql.partitioning,
        "postgresql": postgresql.partitioning,
        "oracle": oracle.partitioning,
    }
    dialect = dialects.get(editor.connection.vendor)
    return dialect(editor, model, ranges.key, parts(ranges, start, end)) if dialect else None


def key_column(editor: BaseDatabaseSchemaEditor, model: type[Model], key: str = PARTITION_KEY) -> str:
    return editor.quote_name(model._meta.get_field(key).column)
