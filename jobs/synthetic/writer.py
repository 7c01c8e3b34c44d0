"""Bulk inserts into PanDA's tables with plain SQL, as PanDA itself writes them.

The models' router refuses writes (PanDA's tables are read-only to the monitor),
so rows go in through `cursor.executemany` with one `INSERT ... VALUES (%s, ...)`
statement per table: mysqlclient turns that form into multi-row INSERTs, the
other drivers batch it natively. Rows are buffered per table and committed per
batch, so memory stays bounded whatever the number of jobs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from harvester.models import HarvesterInstance, HarvesterRelJobsWorkers, HarvesterWorker, HarvesterWorkerStats
from jobs import archive, ddl
from jobs.models import JOB_MODELS, Filestable4, Jobparamstable, JobsStatuslog, Pandalog
from jobs.synthetic.mysql import MySQLSender
from jobs.synthetic.related import OPTIONAL_COMPANIONS
from pandamon.schema import panda_table
from shares.models import GlobalShare, JediWorkQueue
from sites.models import Cloudconfig, PandaSite, Schedconfig, SchedconfigJson, Site
from tasks.models import (
    JediDataset,
    JediDatasetContent,
    JediJobRetryHistory,
    JediTask,
    JediTaskparams,
    TasksStatuslog,
)

# Every table the generator fills, in the order they are emptied.
RELATED_MODELS = (Filestable4, Jobparamstable, *OPTIONAL_COMPANIONS, JobsStatuslog, Pandalog, JediTask,
                  JediJobRetryHistory, JediDataset, JediDatasetContent, JediTaskparams, TasksStatuslog, Schedconfig,
                  Cloudconfig,
                  SchedconfigJson, Site, PandaSite, HarvesterInstance, HarvesterWorker, HarvesterRelJobsWorkers,
                  HarvesterWorkerStats, GlobalShare, JediWorkQueue)


def _default(field: models.Field):
    """What the column holds when the generator says nothing about it."""
    db_default = getattr(field, "db_default", models.NOT_PROVIDED)
    if db_default is models.NOT_PROVIDED:
        return None
    # An expression default (UtcNow) is the database's to compute: the generator
    # supplies those columns itself.
    return getattr(db_default, "value", None) if hasattr(db_default, "resolve_expression") else db_default


class TableWriter:
    def __init__(self, connection: BaseDatabaseWrapper, model: type[models.Model], batch: int,
                 db_table: str | None = None, sender: MySQLSender | None = None) -> None:
        self.connection = connection
        self.batch = batch
        self.sender = sender
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        # The generator's dicts are keyed by field name (schedconfig's comment_ column is "comment").
        self.keys = [f.name for f in fields]
        self.defaults = [_default(f) for f in fields]
        adapt = connection.ops.adapt_datetimefield_value
        # The MySQL sender writes naive UTC datetimes itself, as the adapter would.
        self.datetime_slots = [] if sender else [
            i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)
        ]
        self.adapt = adapt
        qn = connection.ops.quote_name
        table = db_table or model._meta.db_table
        self.table = table
        self.head = "INSERT INTO {} ({})".format(qn(table), ", ".join(qn(c) for c in self.columns))
        self.sql = "{} VALUES ({})".format(self.head, ", ".join(["%s"] * len(self.columns)))
        self.pending: list[tuple] = []
        self.written = 0

    def add(self, row: dict) -> None:
        values = list(map(row.get, self.keys, self.defaults))  # map over two lists: the fast form
        adapt = self.adapt
        for i in self.datetime_slots:
            if values[i] is not None:
                values[i] = adapt(values[i])
        self.pending.append(tuple(values))
        if len(self.pending) >= self.batch:
            self.flush()

    def add_many(self, rows: Iterable[dict]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.pending:
            return
        if self.sender is not None:
            self.sender.send(self.head, self.pending)
            self.written += len(self.pending)
            self.pending = []
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            cursor.executemany(self.sql, self.pending)
        self.written += len(self.pending)
        self.pending = []


def split_naming(connection: BaseDatabaseWrapper) -> str:
    """The naming form of the per-period tables already in the database, else "pair"."""
    for period in ddl.split_archive_tables(connection):
        return "pair" if archive.period_of(period.start, "pair").table.lower() == period.table.lower() else "first"
    return "pair"


def ensure_period_table(connection: BaseDatabaseWrapper, table: str) -> type[models.Model]:
    """The model of one per-period archive table, created if create_panda_schema
    did not cover that period."""
    model = ddl.period_model(table)
    if table.lower() not in {name.lower() for name in ddl.existing_tables(connection)}:
        with connection.schema_editor() as editor:
            editor.create_model(model)
    return model


def empty_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Remove every row of PanDA's tables present (job tables, per-period archive
    tables, related and site tables), so a run starts from nothing."""
    present = {name.lower() for name in ddl.existing_tables(connection)}
    tables = [m._meta.db_table for m in (*JOB_MODELS, *RELATED_MODELS) if _unqualified(m._meta.db_table) in present]
    tables += [panda_table(p.table, archive=True) for p in ddl.split_archive_tables(connection)]
    qn = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in tables:
            # TRUNCATE is instant on big tables; SQLite has only DELETE.
            verb = "DELETE FROM" if connection.vendor == "sqlite" else "TRUNCATE TABLE"
            cursor.execute(f"{verb} {qn(table)}")
    return tables


def _unqualified(db_table: str) -> str:
    return db_table.replace("`", '"').split('"."')[-1].lower()
