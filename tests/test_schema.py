"""create_panda_schema and jobs.ddl: PanDA's tables as the demo and the tests build them.

DDL commits implicitly on MariaDB, so every test here works in a scratch database
of its own (a temporary SQLite file, or pandamon_scratch_<random> on MariaDB)
instead of the shared, generated "panda" test database.

Where the settings name schemas (PANDA_SCHEMA / PANDA_ARCHIVE_SCHEMA, the
postgres-doma run of `make test`), create_schema puts the pandamon layout's tables
in them, where the models look: the helpers below name every table where the
settings put it (`located`), so the same checks run in every configuration.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

from jobs.archive import parse_period_table, periods_between
from jobs.ddl import (
    LayoutError,
    SchemaExistsError,
    create_schema,
    default_span,
    offline_connection,
    panda_models,
    period_model,
    schema_sql,
    split_archive_tables,
)
from jobs.ddl.layouts import ARCHIVE_TABLES
from jobs.ddl.models import table_name
from jobs.models import Filestable4, Jobsactive4, Jobsarchived, Jobsarchived4, Jobsdefined4
from pandamon import introspection
from pandamon.routers import PANDA_DB, ReadOnlyError
from pandamon.schema import panda_table
from sites.models import Cloudconfig, Schedconfig
from tasks.models import JediTask

START, END = dt.datetime(2024, 1, 1), dt.datetime(2025, 12, 31)
MONTHS = [f"p{year}{month:02d}" for year in (2024, 2025) for month in range(1, 13)]

# The pandamon layout: every PanDA table but current PanDA's queue tables.
PANDA_TABLES = {
    "jobsdefined4", "jobswaiting4", "jobsactive4", "jobsarchived4", "jobsarchived", "filestable4",
    "jobparamstable", "jobs_statuslog", "pandalog", "schedconfig", "cloudconfig",
    "filestable_arch", "jobparamstable_arch", "metatable", "metatable_arch", "jobsdebug",
    "jedi_tasks", "jedi_datasets", "jedi_dataset_contents", "jedi_taskparams", "tasks_statuslog",
    "jedi_job_retry_history", "harvester_instances", "harvester_workers", "harvester_rel_jobs_workers",
    "harvester_worker_stats", "global_shares", "jedi_work_queue",
}  # fmt: skip
CURRENT_QUEUE_TABLES = {"schedconfig_json", "site", "panda_site"}
JOB_TABLES = ("jobsdefined4", "jobswaiting4", "jobsactive4", "jobsarchived4", "jobsarchived")
# Names PanDA's own code and every monitor query use; a rename in a model must fail here.
KEY_JOB_COLUMNS = {
    "pandaid", "jobdefinitionid", "jobstatus", "jobsubstatus", "computingsite", "cloud", "vo",
    "creationtime", "modificationtime", "statechangetime", "starttime", "endtime", "prodsourcelabel",
    "processingtype", "produsername", "workinggroup", "jeditaskid", "taskid", "reqid", "jobname",
    "jobsetid", "attemptnr", "currentpriority", "transexitcode", "piloterrorcode", "piloterrordiag",
    "exeerrorcode", "exeerrordiag", "superrorcode", "ddmerrorcode", "brokerageerrorcode",
    "jobdispatchererrorcode", "taskbuffererrorcode", "taskbuffererrordiag", "nevents", "corecount",
    "actualcorecount", "maxrss", "specialhandling", "destinationdblock", "batchid", "gshare",
}  # fmt: skip
KEY_OTHER_COLUMNS = {
    "filestable4": {
        "row_id",
        "pandaid",
        "modificationtime",
        "lfn",
        "guid",
        "type",
        "status",
        "fsize",
        "scope",
    },
    "jobs_statuslog": {"pandaid", "modificationtime", "jobstatus", "computingsite", "modiftime_extended"},
    "pandalog": {"bintime", "name", "type", "levelname", "message"},
    "jedi_tasks": {"jeditaskid", "taskname", "status", "username", "creationdate", "modificationtime"},
    "schedconfig": {"nickname", "siteid", "cloud", "status", "maxtime", "comment_", "lastmod"},
    "cloudconfig": {"name", "tier1", "status", "countries", "modtime"},
}


def vendor() -> str:
    return connections[PANDA_DB].vendor


@contextmanager
def scratch_database(directory: Path) -> Iterator[BaseDatabaseWrapper]:
    """A fresh empty database on the "panda" backend, registered as its own alias."""
    alias = f"scratch_{uuid.uuid4().hex[:10]}"
    config = copy.deepcopy(connections.settings[PANDA_DB])
    server = None
    if vendor() == "sqlite":
        config["NAME"] = str(directory / f"{alias}.sqlite3")
    elif vendor() == "mysql":
        config["NAME"] = f"pandamon_{alias}"
        server = load_backend(config["ENGINE"]).DatabaseWrapper({**config, "NAME": ""}, alias="scratch-server")
        with server.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{config['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    elif vendor() == "postgresql":
        config["NAME"] = f"pandamon_{alias}"
        server = load_backend(config["ENGINE"]).DatabaseWrapper({**config, "NAME": "postgres"}, alias="scratch-server")
        with server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    else:
        pytest.skip(f"scratch databases are set up for SQLite, MariaDB and PostgreSQL, not {vendor()}")
    connections.settings[alias] = config
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if server is not None:
            with server.cursor() as cursor:
                cursor.execute(f"DROP DATABASE {server.ops.quote_name(config['NAME'])}")
            server.close()


@pytest.fixture(scope="module")
def partitioned(django_db_blocker, tmp_path_factory) -> Iterator[BaseDatabaseWrapper]:
    """One scratch database with the partitioned layout, shared by the read-only checks."""
    with django_db_blocker.unblock(), scratch_database(tmp_path_factory.mktemp("schema")) as connection:
        create_schema(connection, archive_layout="partitioned", start=START, end=END)
        yield connection


@pytest.fixture
def scratch(django_db_blocker, tmp_path) -> Iterator[BaseDatabaseWrapper]:
    with django_db_blocker.unblock(), scratch_database(tmp_path) as connection:
        yield connection


def located(table: str) -> str:
    """db_table of one of PanDA's tables named bare ("jobsactive4", "jobsArchived_Dec2007")
    where the settings put it, as the models' db_table is written; a name already
    qualified ('doma_panda"."jobparamstable') is kept."""
    if introspection.split_table(table)[0]:
        return table
    archive = table.lower() in ARCHIVE_TABLES or parse_period_table(table) is not None
    return panda_table(table, archive=archive)


def quoted(connection: BaseDatabaseWrapper, table: str) -> str:
    # Quoted: split tables are mixed case (jobsArchived_Dec2007), which PostgreSQL folds.
    return connection.ops.quote_name(located(table))


@contextmanager
def looking_in(connection: BaseDatabaseWrapper, table: str) -> Iterator[str]:
    """The bare name of `table`, with the connection looking in its schema meanwhile:
    Django's introspection sees only the search path (PostgreSQL) or the current
    database (MariaDB)."""
    schema, name = introspection.split_table(located(table))
    if not schema:
        yield name
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW search_path")
            (previous,) = cursor.fetchone()
            cursor.execute(f"SET search_path TO {qn(schema)}")
            restore = f"SET search_path TO {previous}"
        elif connection.vendor == "mysql":
            cursor.execute("SELECT DATABASE()")
            (previous,) = cursor.fetchone()
            cursor.execute(f"USE {qn(schema)}")
            restore = f"USE {qn(previous)}"
        else:
            pytest.skip(f"schema {schema!r} configured on {connection.vendor}, which has no schemas")
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(restore)


def columns(connection: BaseDatabaseWrapper, table: str) -> dict[str, bool]:
    """Introspected column name → nullable."""
    with looking_in(connection, table) as name, connection.cursor() as cursor:
        return {c.name: bool(c.null_ok) for c in connection.introspection.get_table_description(cursor, name)}


def indexes(connection: BaseDatabaseWrapper, table: str) -> dict[str, list[str]]:
    with looking_in(connection, table) as name, connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, name)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["index"] and not c["primary_key"] and not c["unique"]  # MariaDB lists UNIQUE keys as indexes
    }


def tables(connection: BaseDatabaseWrapper) -> set[str]:
    """Tables in the connection's own schema, or in the configured ones where the settings name them."""
    schemas = {introspection.schema_of(), introspection.schema_of(archive=True)}
    return {name for schema in schemas for name in introspection.original_names(schema, connection.alias)}


def own_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """Tables in the connection's own schema (search path, database)."""
    return set(connection.introspection.table_names())


def insert(connection: BaseDatabaseWrapper, table: str, **values) -> None:
    """Plain SQL in PanDA's column names, as PanDA itself writes its rows."""
    names = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quoted(connection, table)} ({names}) VALUES ({placeholders})",
                       list(values.values()))


def count(connection: BaseDatabaseWrapper, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(connection, table)}")
        return cursor.fetchone()[0]


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


# --- 1. every table, with PanDA's columns, NOT NULLs and indexes -----------------------------


def test_creates_every_panda_table_with_the_models_columns(partitioned):
    assert {table_name(model) for model in panda_models()} == PANDA_TABLES | CURRENT_QUEUE_TABLES
    assert PANDA_TABLES <= tables(partitioned)
    assert not CURRENT_QUEUE_TABLES & tables(partitioned)
    for model in panda_models():
        if table_name(model) in CURRENT_QUEUE_TABLES:
            continue
        table = model._meta.db_table
        fields = model._meta.concrete_fields
        found = columns(partitioned, table)
        assert set(found) == {field.column for field in fields}, table
        not_null = {name for name, nullable in found.items() if not nullable}
        assert not_null == {field.column for field in fields if not field.null}, table
        found_indexes = indexes(partitioned, table)
        expressions = {index.name for index in model._meta.indexes if index.expressions}  # e.g. UPPER(taskname)
        if partitioned.features.supports_expression_indexes:  # MariaDB has none; Django leaves them out
            assert expressions <= set(found_indexes), table
        assert {name: cols for name, cols in found_indexes.items() if name not in expressions} == {
            index.name: [model._meta.get_field(name).column for name in index.fields]
            for index in model._meta.indexes
            if not index.expressions
        }, table


def test_tables_carry_pandas_column_names(partitioned):
    for table in JOB_TABLES:
        job = columns(partitioned, table)
        assert KEY_JOB_COLUMNS <= set(job), KEY_JOB_COLUMNS - set(job)
        assert len(job) == 127  # the current Oracle job column set (fact sheet §2)
        assert not job["pandaid"] and not job["modificationtime"] and not job["jobstatus"]
        assert job["computingsite"] and job["jobname"] and job["endtime"]
    for table, expected in KEY_OTHER_COLUMNS.items():
        assert expected <= set(columns(partitioned, table)), table


# --- 2. rows written with plain SQL are read through the models -------------------------------


def test_plain_sql_rows_read_back_through_the_models_with_defaults(partitioned):
    alias = partitioned.alias
    created, modified = "2025-03-01 10:00:00", "2025-03-01 12:30:00"
    for table, pandaid in (
        ("jobsdefined4", 101),
        ("jobsactive4", 102),
        ("jobsarchived4", 103),
        ("jobsarchived", 104),
    ):
        insert(partitioned, table, pandaid=pandaid, creationtime=created, modificationtime=modified)
    insert(
        partitioned, "jobsactive4", pandaid=105, creationtime=created, modificationtime=modified,
        jobstatus="running", computingsite="BNL_ATLAS_1", piloterrorcode=1099, produsername="alice",
    )  # fmt: skip

    active = Jobsactive4.objects.using(alias).get(pandaid=102)
    # Every NOT NULL column left out of the INSERT got PanDA's default.
    assert (active.jobstatus, active.prodsourcelabel, active.prodserieslabel) == (
        "activated",
        "managed",
        "Rome",
    )
    assert active.jobdefinitionid == active.currentpriority == active.attemptnr == active.nevents == 0
    assert active.piloterrorcode == active.taskbuffererrorcode == active.cpuconsumptiontime == 0
    assert active.computingsite is None and active.jobname is None and active.endtime is None
    assert active.creationtime == utc(2025, 3, 1, 10)
    assert active.modificationtime == utc(2025, 3, 1, 12, 30)
    # Each table's own jobstatus default (fact sheet §2).
    assert Jobsdefined4.objects.using(alias).get(pandaid=101).jobstatus == "defined"
    assert Jobsarchived4.objects.using(alias).get(pandaid=103).jobstatus == "activated"
    assert Jobsarchived.objects.using(alias).get(pandaid=104).jobstatus == "unknown"

    running = Jobsactive4.objects.using(alias).get(pandaid=105)
    assert (running.jobstatus, running.computingsite, running.piloterrorcode) == (
        "running",
        "BNL_ATLAS_1",
        1099,
    )
    assert list(Jobsactive4.objects.using(alias).filter(produsername="alice").values_list("pandaid", flat=True)) == [
        105
    ]


def test_plain_sql_rows_of_the_other_tables_get_their_defaults(partitioned):
    alias = partitioned.alias
    insert(
        partitioned,
        "filestable4",
        row_id=1,
        pandaid=102,
        modificationtime="2025-03-01 12:00:00",
        lfn="a.root",
    )
    insert(partitioned, "schedconfig", nickname="BNL_ATLAS_1-condor", siteid="BNL_ATLAS_1", lastmod="2025-03-01")
    insert(partitioned, "cloudconfig", name="US", modtime="2025-03-01 00:00:00")
    insert(
        partitioned, "jedi_tasks", jeditaskid=7, status="running", username="alice",
        creationdate="2025-03-01 00:00:00", modificationtime="2025-03-01 00:00:00",
    )  # fmt: skip

    assert Filestable4.objects.using(alias).get(row_id=1).fsize == 0
    queue = Schedconfig.objects.using(alias).get(nickname="BNL_ATLAS_1-condor")
    assert (queue.status, queue.maxtime, queue.siteid) == ("offline", 0, "BNL_ATLAS_1")
    cloud = Cloudconfig.objects.using(alias).get(name="US")
    assert (cloud.tier1, cloud.weight, cloud.countries) == ("", 0, "")
    assert JediTask.objects.using(alias).get(jeditaskid=7).username == "alice"


def test_not_null_columns_without_default_are_enforced(partitioned):
    with pytest.raises(DatabaseError):
        insert(partitioned, "jobsactive4", pandaid=190, creationtime="2025-03-01 10:00:00")  # no modificationtime
    assert not Jobsactive4.objects.using(partitioned.alias).filter(pandaid=190).exists()


# --- 3. the archive loads rows of any date; MariaDB partitions it by month -------------------


def test_archive_loads_rows_of_any_date(partitioned):
    dates = {301: "1999-05-01 00:00:00", 302: "2024-06-15 08:00:00", 303: "2999-01-01 00:00:00"}
    for pandaid, modified in dates.items():
        insert(partitioned, "jobsarchived", pandaid=pandaid, creationtime=modified, modificationtime=modified)
    loaded = Jobsarchived.objects.using(partitioned.alias).filter(pandaid__in=dates)
    assert {job.pandaid: job.modificationtime.year for job in loaded} == {301: 1999, 302: 2024, 303: 2999}


def partition_rows(connection: BaseDatabaseWrapper, partition: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pandaid FROM jobsarchived PARTITION ({partition}) WHERE pandaid BETWEEN 300 AND 399")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(vendor() != "mysql", reason="MariaDB partitioning; the MariaDB run covers it")
def test_mariadb_partitions_the_archive_by_month(partitioned):
    with partitioned.cursor() as cursor:
        cursor.execute(
            "SELECT partition_name, partition_method, partition_expression, partition_description"
            " FROM information_schema.partitions WHERE table_schema = %s AND table_name = 'jobsarchived'"
            " ORDER BY partition_ordinal_position",
            [partitioned.settings_dict["NAME"]],
        )
        rows = cursor.fetchall()
    assert [row[0] for row in rows] == [*MONTHS, "pmax"]
    assert {row[1] for row in rows} == {"RANGE COLUMNS"}
    assert {row[2] for row in rows} == {"`modificationtime`"}
    descriptions = dict((row[0], row[3]) for row in rows)
    assert descriptions["p202406"] == "'2024-07-01 00:00:00'"
    assert descriptions["pmax"] == "MAXVALUE"

    # Rows land in their month; older ones in the first partition, newer ones in pmax.
    for pandaid, modified in {311: "1999-05-01", 312: "2024-06-15 08:00:00", 313: "2999-01-01"}.items():
        insert(partitioned, "jobsarchived", pandaid=pandaid, creationtime=modified, modificationtime=modified)
    assert partition_rows(partitioned, "p202401") >= {311}
    assert partition_rows(partitioned, "p202406") >= {312}
    assert partition_rows(partitioned, "pmax") >= {313}
    # The live tables are not partitioned.
    with partitioned.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.partitions"
            " WHERE table_schema = %s AND partition_name IS NOT NULL",
            [partitioned.settings_dict["NAME"]],
        )
        assert {row[0] for row in cursor.fetchall()} == {"jobsarchived"}


@pytest.mark.skipif(vendor() != "mysql", reason="MariaDB partitioning; the MariaDB run covers it")
def test_mariadb_prunes_a_bounded_archive_query_to_its_month(partitioned):
    with partitioned.cursor() as cursor:
        cursor.execute(
            "EXPLAIN PARTITIONS SELECT pandaid FROM jobsarchived"
            " WHERE modificationtime >= %s AND modificationtime < %s",
            ["2024-06-01 00:00:00", "2024-07-01 00:00:00"],
        )
        names = [column[0] for column in cursor.description]
        plan = dict(zip(names, cursor.fetchone(), strict=True))
    assert plan["partitions"] == "p202406"


@pytest.mark.skipif(vendor() != "postgresql", reason="PostgreSQL partitioning; a PostgreSQL run covers it")
def test_postgresql_partitions_the_archive_by_month(partitioned):
    for pandaid, modified in {321: "1999-05-01", 322: "2024-06-15 08:00:00", 323: "2999-01-01"}.items():
        insert(partitioned, "jobsarchived", pandaid=pandaid, creationtime=modified, modificationtime=modified)
    archive = quoted(partitioned, "jobsarchived")
    with partitioned.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid"
            " WHERE pg_inherits.inhparent = %s::regclass ORDER BY child.relname",
            [archive],
        )
        assert [row[0] for row in cursor.fetchall()] == [f"jobsarchived_{name}" for name in [*MONTHS, "pdefault"]]
        cursor.execute(
            f"SELECT a.pandaid, c.relname FROM {archive} a JOIN pg_class c ON c.oid = a.tableoid"
            " WHERE a.pandaid BETWEEN 321 AND 323"
        )
        assert dict(cursor.fetchall()) == {
            321: "jobsarchived_pdefault",
            322: "jobsarchived_p202406",
            323: "jobsarchived_pdefault",
        }


# --- 4. split layout: one table per two-month period ----------------------------------------


@pytest.mark.parametrize(
    ("naming", "first", "last"),
    [
        ("pair", "jobsArchived_Jan_Feb_2007", "jobsArchived_Nov_Dec_2008"),
        ("first", "jobsArchived_Dec2006", "jobsArchived_Dec2008"),
    ],
)
def test_split_layout_creates_one_table_per_period(scratch, naming, first, last):
    start, end = dt.datetime(2007, 1, 1), dt.datetime(2008, 12, 31)
    create_schema(scratch, archive_layout="split", naming=naming, start=start, end=end)

    expected = periods_between(start, end, naming)
    found = split_archive_tables(scratch)
    assert found == expected
    assert [found[0].table, found[-1].table] == [first, last]
    assert len(found) == (12 if naming == "pair" else 13)
    assert "jobsarchived" not in {name.lower() for name in tables(scratch)}
    assert PANDA_TABLES - {"jobsarchived"} <= tables(scratch)

    archive_columns = columns(scratch, found[0].table)
    assert archive_columns == {f.column: f.null for f in Jobsarchived._meta.concrete_fields}
    for period in found:
        names = indexes(scratch, period.table)
        assert len(names) == len(Jobsarchived._meta.indexes)
        assert all(name.startswith(f"{period.table.lower()}_") for name in names), names

    # A row written with plain SQL into a period table reads back through its model.
    table = found[1].table
    insert(scratch, table, pandaid=7, creationtime="2007-03-02 00:00:00", modificationtime="2007-03-02 00:00:00")
    job = period_model(table).objects.using(scratch.alias).get(pandaid=7)
    assert (job.jobstatus, job.piloterrorcode) == ("unknown", 0)


def test_replace_swaps_the_archive_layout(scratch):
    create_schema(scratch, archive_layout="split", start=START, end=END)
    assert split_archive_tables(scratch)

    with pytest.raises(SchemaExistsError) as error:
        create_schema(scratch, archive_layout="partitioned", start=START, end=END)
    assert "jobsactive4" in error.value.tables

    create_schema(scratch, archive_layout="partitioned", start=START, end=END, replace=True)
    assert split_archive_tables(scratch) == []
    assert PANDA_TABLES <= tables(scratch)


# --- 5. --sql prints a backend's DDL without connecting -------------------------------------


def sql_output(monkeypatch, backend: str, *args: str) -> list[str]:
    def refuse(self):
        raise AssertionError(f"--sql connected to {self.alias}")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    out = StringIO()
    span = ("--from", "2024-01-01", "--to", "2025-12-31")
    call_command("create_panda_schema", "--sql", backend, *span, *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if line]


@pytest.fixture
def own_schema_pandamon(settings):
    """The settings of a deployment on the pandamon layout in the connection's own
    schema (the default): what the --sql checks of that layout's DDL are written for,
    whatever layout and schemas this run configures."""
    settings.PANDA_LAYOUT = "pandamon"
    settings.PANDA_SCHEMA = settings.PANDA_ARCHIVE_SCHEMA = ""


def statement(lines: list[str], prefix: str) -> str:
    (found,) = [line for line in lines if line.startswith(prefix)]
    return found


def test_sql_oracle_partitions_the_archive_by_range(monkeypatch, own_schema_pandamon):
    lines = sql_output(monkeypatch, "oracle")
    archive = statement(lines, 'CREATE TABLE "JOBSARCHIVED" ')
    assert 'PARTITION BY RANGE ("MODIFICATIONTIME")' in archive
    assert """PARTITION "P202406" VALUES LESS THAN (TO_DATE('2024-07-01', 'YYYY-MM-DD'))""" in archive
    assert archive.count("VALUES LESS THAN (TO_DATE(") == len(MONTHS)
    assert archive.endswith('PARTITION "PMAX" VALUES LESS THAN (MAXVALUE));')
    assert "PRIMARY KEY" not in archive  # PanDA's archive has none
    assert 'PRIMARY KEY ("PANDAID", "MODIFICATIONTIME")' in statement(lines, 'CREATE TABLE "JOBSARCHIVED4" ')
    assert "PARTITION" not in statement(lines, 'CREATE TABLE "JOBSARCHIVED4" ')
    assert 'CREATE INDEX "JOBSARCHIVED_MODTIME" ON "JOBSARCHIVED" ("MODIFICATIONTIME") LOCAL;' in lines
    assert 'CREATE INDEX "JOBSACTIVE4_MODTIME" ON "JOBSACTIVE4" ("MODIFICATIONTIME");' in lines
    assert {line.split('"')[1].lower() for line in lines if line.startswith("CREATE TABLE")} == PANDA_TABLES


def test_sql_mysql_and_postgresql_work_without_a_server(monkeypatch, own_schema_pandamon):
    mysql = sql_output(monkeypatch, "mysql")
    archive = statement(mysql, "CREATE TABLE `jobsarchived` ")
    assert "PARTITION BY RANGE COLUMNS(`modificationtime`)" in archive
    assert "PARTITION `p202406` VALUES LESS THAN ('2024-07-01 00:00:00')" in archive
    assert archive.endswith("PARTITION `pmax` VALUES LESS THAN (MAXVALUE));")
    assert "`jobstatus` varchar(15) DEFAULT 'unknown' NOT NULL" in archive

    postgresql = sql_output(monkeypatch, "postgresql")
    assert statement(postgresql, 'CREATE TABLE "jobsarchived" ').endswith('PARTITION BY RANGE ("modificationtime");')
    partitions = [line for line in postgresql if " PARTITION OF " in line]
    assert len(partitions) == len(MONTHS) + 1
    assert (
        'CREATE TABLE "jobsarchived_p202406" PARTITION OF "jobsarchived" '
        "FOR VALUES FROM ('2024-06-01 00:00:00') TO ('2024-07-01 00:00:00');"
    ) in partitions
    assert 'CREATE TABLE "jobsarchived_pdefault" PARTITION OF "jobsarchived" DEFAULT;' in partitions


def test_sql_split_layout_names_the_period_tables(monkeypatch, own_schema_pandamon):
    lines = sql_output(monkeypatch, "sqlite", "--archive-layout", "split", "--split-naming", "first")
    created = [line.split('"')[1] for line in lines if line.startswith("CREATE TABLE")]
    assert created.count("jobsArchived_Dec2023") == 1 and "jobsArchived_Dec2025" in created
    assert "jobsarchived" not in created and not any("PARTITION" in line for line in lines)
    assert 'CREATE INDEX "jobsarchived_dec2023_modtime" ON "jobsArchived_Dec2023" ("modificationtime");' in lines


def test_offline_connections_refuse_to_connect():
    connection = offline_connection("mysql")
    with pytest.raises(RuntimeError):
        connection.cursor()
    assert any("PARTITION BY RANGE COLUMNS" in sql for sql in schema_sql(connection, start=START, end=END))


# --- 6. PanDA's tables are read-only through the models -------------------------------------


@pytest.fixture
def panda_is_scratch(partitioned) -> Iterator[BaseDatabaseWrapper]:
    """Route the "panda" alias to the scratch database, so a write that slipped past the
    router would land in a table we count."""
    original = connections[PANDA_DB]
    connections[PANDA_DB] = partitioned
    try:
        yield partitioned
    finally:
        connections[PANDA_DB] = original


def test_writes_through_panda_models_raise_and_write_nothing(panda_is_scratch):
    db = panda_is_scratch
    when = "2025-03-01 00:00:00"
    insert(db, "jobsactive4", pandaid=401, creationtime=when, modificationtime=when, jobstatus="running")
    rows = {table: count(db, table) for table in ("jobsactive4", "jobsarchived", "schedconfig")}
    job = Jobsactive4.objects.get(pandaid=401)  # reads are routed to "panda" and work
    now = dt.datetime.now(dt.UTC)
    new = {"creationtime": now, "modificationtime": now}

    writes = {
        "save": lambda: job.save(),
        "save new": lambda: Jobsactive4(pandaid=402, **new).save(),
        "create": lambda: Jobsactive4.objects.create(pandaid=403, **new),
        "get_or_create": lambda: Jobsactive4.objects.get_or_create(pandaid=404, defaults=new),
        "update": lambda: Jobsactive4.objects.filter(pandaid=401).update(jobstatus="failed"),
        "delete instance": lambda: job.delete(),
        "delete queryset": lambda: Jobsactive4.objects.filter(pandaid=401).delete(),
        "bulk_create": lambda: Jobsarchived.objects.bulk_create([Jobsarchived(pandaid=405, **new)]),
        "bulk_update": lambda: Jobsactive4.objects.bulk_update([job], ["jobstatus"]),
        "site": lambda: Schedconfig.objects.create(nickname="X", lastmod=now),
        # naming the database skips the router: the models' own guard must hold
        "create using": lambda: Jobsactive4.objects.using(PANDA_DB).create(pandaid=406, **new),
        "update using": lambda: Jobsactive4.objects.using(PANDA_DB).filter(pandaid=401).update(jobstatus="failed"),
        "delete using": lambda: Jobsactive4.objects.using(PANDA_DB).all().delete(),
        "save using": lambda: job.save(using=PANDA_DB),
        "bulk_create using": lambda: Jobsarchived.objects.using(PANDA_DB).bulk_create([Jobsarchived(**new)]),
    }
    for name, write in writes.items():
        with pytest.raises(ReadOnlyError):
            write()
            pytest.fail(f"{name} wrote to PanDA's table")

    assert {table: count(db, table) for table in rows} == rows
    assert Jobsactive4.objects.get(pandaid=401).jobstatus == "running"


# --- the command itself ---------------------------------------------------------------------


def test_command_creates_refuses_and_replaces(scratch, settings):
    alias = scratch.alias
    # The layout comes from settings (PANDA_LAYOUT): pandamon, or postgres-doma in its run.
    call_command("create_panda_schema", "--database", alias, "--from", "2024-12-01", "--to", "2024-12-31", verbosity=0)
    expected = PANDA_TABLES
    if settings.PANDA_LAYOUT == "postgres-doma":
        expected = PANDA_TABLES - {"schedconfig", "cloudconfig"} | CURRENT_QUEUE_TABLES
    assert expected <= tables(scratch)
    assert not (PANDA_TABLES | CURRENT_QUEUE_TABLES) - expected & tables(scratch)

    with pytest.raises(CommandError, match="already exist.*--replace"):
        call_command("create_panda_schema", "--database", alias, verbosity=0)

    # The archive layout comes from settings too (PANDA_ARCHIVE_LAYOUT): the pandamon layout's.
    settings.PANDA_LAYOUT = "pandamon"
    settings.PANDA_ARCHIVE_LAYOUT = "split"
    out = StringIO()
    call_command("create_panda_schema", "--database", alias, "--replace", "--months", "4", stdout=out)
    assert "archive split" in out.getvalue()
    assert "jobsarchived" not in tables(scratch)
    # 4 months back and a few ahead, in two-month tables named as settings say (pair by default)
    assert split_archive_tables(scratch) == periods_between(*default_span(4), "pair")


# --- 7. postgres-doma: PanDA's official PostgreSQL layout ------------------------------------

DOMA = ("doma_panda", "doma_pandaarch")
DOMA_SPAN = (dt.datetime(2026, 1, 1), dt.datetime(2026, 4, 10))  # 100 days


def skip_unless_postgresql():
    if vendor() != "postgresql":
        pytest.skip("postgres-doma is PostgreSQL's layout; the PostgreSQL run of the suite covers it")


@pytest.fixture(scope="module")
def doma(django_db_blocker, tmp_path_factory) -> Iterator[BaseDatabaseWrapper]:
    """A scratch database with the postgres-doma layout in doma_panda / doma_pandaarch."""
    skip_unless_postgresql()
    with django_db_blocker.unblock(), scratch_database(tmp_path_factory.mktemp("doma")) as connection:
        create_schema(connection, layout="postgres-doma", schemas=DOMA, start=DOMA_SPAN[0], end=DOMA_SPAN[1])
        yield connection


def fetch(connection: BaseDatabaseWrapper, sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def doma_tables(connection: BaseDatabaseWrapper) -> dict[str, set[str]]:
    """Tables (not partitions) by schema."""
    rows = fetch(
        connection,
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%s)",
        [list(DOMA)],
    )
    found: dict[str, set[str]] = {schema: set() for schema in DOMA}
    for schema, table in rows:
        found[schema].add(table)
    return found


def partitions(connection: BaseDatabaseWrapper, qualified: str) -> list[str]:
    rows = fetch(
        connection,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = %s::regclass ORDER BY c.relname",
        [qualified],
    )
    return [row[0] for row in rows]


def test_doma_puts_each_table_in_its_schema_without_legacy_queues(doma):
    found = doma_tables(doma)
    assert found["doma_pandaarch"] == {"jobsarchived", "filestable_arch", "jobparamstable_arch", "metatable_arch"}
    main = found["doma_panda"]
    assert {
        "jobsdefined4", "jobswaiting4", "jobsactive4", "jobsarchived4", "filestable4", "jobparamstable", "metatable",
        "jobs_statuslog", "pandalog", "jobsdebug", "schedconfig_json", "site", "panda_site", "jedi_tasks",
        "jedi_datasets", "jedi_dataset_contents", "jedi_taskparams", "tasks_statuslog", "jedi_job_retry_history",
        "jedi_work_queue", "global_shares", "harvester_instances", "harvester_workers",
        "harvester_rel_jobs_workers", "harvester_worker_stats",
    } <= main  # fmt: skip
    assert not {"schedconfig", "cloudconfig"} & (main | found["doma_pandaarch"])
    # Nothing landed in the connection's own schema.
    assert not {"jobsactive4", "jobsarchived"} & own_tables(doma)


def test_doma_partitions_monthly_and_daily_with_a_default(doma):
    monthly = partitions(doma, "doma_panda.jobsarchived4")
    assert monthly == [f"jobsarchived4_p2026{m:02d}" for m in (1, 2, 3, 4)] + ["jobsarchived4_pdefault"]
    for table in ("filestable4", "jobparamstable", "metatable", "jobs_statuslog", "pandalog"):
        daily = partitions(doma, f"doma_panda.{table}")
        assert len(daily) == 100 + 1, table  # 2026-01-01 .. 2026-04-10, and DEFAULT
        assert {f"{table}_p20260101", f"{table}_p20260410", f"{table}_pdefault"} <= set(daily), table
    key = fetch(doma, "SELECT pg_get_partkeydef('doma_panda.pandalog'::regclass)")[0][0]
    assert key == "RANGE (bintime)"
    # The archive is one plain table.
    assert partitions(doma, "doma_pandaarch.jobsarchived") == []
    assert fetch(doma, "SELECT relkind FROM pg_class WHERE oid = 'doma_pandaarch.jobsarchived'::regclass")[0][0] == "r"


def test_doma_rows_of_any_date_have_a_partition(doma):
    insert(doma, 'doma_panda"."jobparamstable', pandaid=11)  # a live job's row: modificationtime 1970-01-01
    insert(doma, 'doma_panda"."jobparamstable', pandaid=12, modificationtime="2026-02-03 04:05:06")
    insert(doma, 'doma_panda"."jobs_statuslog', pandaid=12, modificationtime="2031-01-01", jobstatus="running")
    insert(doma, 'doma_panda"."jobs_statuslog', pandaid=12, modificationtime="2031-01-01", jobstatus="running")
    rows = dict(fetch(doma, "SELECT pandaid, tableoid::regclass::text FROM doma_panda.jobparamstable"))
    assert rows == {11: "doma_panda.jobparamstable_pdefault", 12: "doma_panda.jobparamstable_p20260203"}
    # No key on jobs_statuslog: PanDA's rows need not be unique.
    assert fetch(doma, "SELECT COUNT(*) FROM doma_panda.jobs_statuslog_pdefault")[0][0] == 2


def primary_key(connection: BaseDatabaseWrapper, qualified: str) -> list[str] | None:
    rows = fetch(
        connection,
        "SELECT a.attname FROM pg_constraint c JOIN unnest(c.conkey) WITH ORDINALITY k(attnum, n) ON true"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum"
        " WHERE c.conrelid = %s::regclass AND c.contype = 'p' ORDER BY k.n",
        [qualified],
    )
    return [row[0] for row in rows] or None


def test_doma_primary_keys_as_panda_has_them(doma):
    assert primary_key(doma, "doma_panda.jobsarchived4") == ["pandaid", "modificationtime"]
    assert primary_key(doma, "doma_panda.filestable4") == ["row_id", "modificationtime"]  # holds the partition key
    assert primary_key(doma, "doma_panda.jobsactive4") == ["pandaid"]
    assert primary_key(doma, "doma_panda.harvester_workers") == ["harvesterid", "workerid", "lastupdate"]
    for table in (
        "doma_pandaarch.jobsarchived", "doma_pandaarch.filestable_arch", "doma_pandaarch.jobparamstable_arch",
        "doma_pandaarch.metatable_arch", "doma_panda.jobs_statuslog", "doma_panda.pandalog",
        "doma_panda.tasks_statuslog", "doma_panda.jedi_job_retry_history",
    ):  # fmt: skip
        assert primary_key(doma, table) is None, table


def leading_index_columns(connection: BaseDatabaseWrapper, qualified: str) -> set[str]:
    rows = fetch(
        connection,
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
        " WHERE i.indrelid = %s::regclass",
        [qualified],
    )
    return {row[0] for row in rows}


def test_doma_archive_is_indexed_on_statechangetime_not_modificationtime(doma):
    leading = leading_index_columns(doma, "doma_pandaarch.jobsarchived")
    assert {"statechangetime", "pandaid", "jeditaskid", "computingsite", "produsername"} <= leading
    indexed = fetch(
        doma,
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
        " WHERE i.indrelid = 'doma_pandaarch.jobsarchived'::regclass",
    )
    assert "modificationtime" not in {row[0] for row in indexed}
    assert "modificationtime" in leading_index_columns(doma, "doma_panda.jobsarchived4")


def test_doma_not_null_columns_as_panda_has_them(doma):
    rows = fetch(
        doma,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = ANY(%s) AND is_nullable = 'NO' AND column_default IS NULL",
        [list(DOMA)],
    )
    not_null = {(table, column) for table, column in rows}
    # Fact sheet §3: NOT NULL with no default, the writer must supply them.
    expected = {
        ("filestable4", "row_id"), ("jobsarchived4", "modificationtime"),
        ("jobs_statuslog", "pandaid"), ("jobs_statuslog", "modificationtime"), ("jobs_statuslog", "jobstatus"),
        ("jedi_tasks", "jeditaskid"), ("jedi_tasks", "status"), ("jedi_tasks", "username"),
        ("jedi_tasks", "creationdate"), ("jedi_tasks", "modificationtime"),
        ("jedi_datasets", "datasetname"), ("jedi_datasets", "type"), ("jedi_datasets", "creationtime"),
        ("jedi_dataset_contents", "fileid"), ("jedi_dataset_contents", "lfn"), ("jedi_dataset_contents", "status"),
        ("jedi_taskparams", "jeditaskid"), ("tasks_statuslog", "status"), ("schedconfig_json", "panda_queue"),
        ("site", "site_name"), ("panda_site", "site_name"), ("harvester_instances", "harvester_id"),
        ("harvester_workers", "lastupdate"), ("harvester_workers", "status"),
        ("harvester_rel_jobs_workers", "pandaid"), ("harvester_worker_stats", "lastupdate"),
        ("global_shares", "value"), ("jedi_work_queue", "vo"), ("filestable_arch", "row_id"),
        ("jobparamstable_arch", "pandaid"), ("jobsdebug", "pandaid"),
    }  # fmt: skip
    assert expected <= not_null, expected - not_null
    nullable = {("jobs_statuslog", "modiftime_extended"), ("harvester_worker_stats", "n_workers"),
                ("jedi_tasks", "site"), ("jedi_dataset_contents", "pandaid")}  # fmt: skip
    assert not nullable & not_null
    site = fetch(doma, "SELECT character_maximum_length FROM information_schema.columns"
                       " WHERE table_schema = 'doma_panda' AND table_name = 'jedi_tasks' AND column_name = 'site'")
    assert site == [(60,)]


def test_doma_sequences(doma):
    rows = fetch(
        doma,
        "SELECT sequencename, cache_size, max_value, cycle FROM pg_sequences WHERE schemaname = 'doma_panda'",
    )
    found = {name: (cache, maximum, cycle) for name, cache, maximum, cycle in rows}
    assert {"jobsdefined4_pandaid_seq", "jedi_datasets_id_seq", "jedi_work_queue_id_seq"} <= set(found)
    assert found["filestable4_row_id_seq"][0] == 20
    assert found["jedi_dataset_cont_fileid_seq"][0] == 100
    assert found["subcounter_subid_seq"][1:] == (9_999_999, True)


def test_doma_replace_rebuilds_tables_and_sequences(scratch):
    skip_unless_postgresql()
    span = {"start": dt.datetime(2026, 3, 1), "end": dt.datetime(2026, 3, 3)}
    create_schema(scratch, layout="postgres-doma", schemas=DOMA, **span)
    with pytest.raises(SchemaExistsError):
        create_schema(scratch, layout="postgres-doma", schemas=DOMA, **span)
    create_schema(scratch, layout="postgres-doma", schemas=DOMA, replace=True, **span)
    assert partitions(scratch, "doma_panda.filestable4") == [
        "filestable4_p20260301", "filestable4_p20260302", "filestable4_p20260303", "filestable4_pdefault",
    ]  # fmt: skip


def test_doma_refuses_without_schemas_or_postgresql(monkeypatch, settings):
    settings.PANDA_SCHEMA = settings.PANDA_ARCHIVE_SCHEMA = ""
    with pytest.raises(CommandError, match="needs PANDA_SCHEMA and PANDA_ARCHIVE_SCHEMA"):
        sql_output(monkeypatch, "postgresql", "--layout", "postgres-doma")
    settings.PANDA_SCHEMA, settings.PANDA_ARCHIVE_SCHEMA = DOMA
    with pytest.raises(CommandError, match="postgresql"):
        sql_output(monkeypatch, "mysql", "--layout", "postgres-doma")
    lines = sql_output(monkeypatch, "postgresql", "--layout", "postgres-doma")
    assert 'CREATE SCHEMA IF NOT EXISTS "doma_pandaarch";' in lines
    assert 'CREATE TABLE "doma_pandaarch"."jobsarchived_p202406" PARTITION OF' not in " ".join(lines)
    assert any(line.startswith('CREATE TABLE "doma_panda"."filestable4_p20240101" PARTITION OF') for line in lines)


# --- 8. oracle-atlas: printed only ----------------------------------------------------------


def test_oracle_atlas_prints_qualified_upper_case_range_partitioned_ddl(monkeypatch):
    lines = sql_output(monkeypatch, "oracle", "--layout", "oracle-atlas")
    created = {line.split(" (")[0].removeprefix("CREATE TABLE ") for line in lines if line.startswith("CREATE TABLE")}
    assert '"ATLAS_PANDAARCH"."JOBSARCHIVED"' in created and '"ATLAS_PANDA"."JOBSARCHIVED4"' in created
    assert '"ATLAS_PANDA"."SCHEDCONFIG_JSON"' in created and '"ATLAS_PANDA"."JEDI_TASKS"' in created
    assert all(name.startswith(('"ATLAS_PANDA".', '"ATLAS_PANDAARCH".')) and name == name.upper() for name in created)
    assert not {'"ATLAS_PANDA"."SCHEDCONFIG"', '"ATLAS_PANDA"."CLOUDCONFIG"'} & created

    fast = statement(lines, 'CREATE TABLE "ATLAS_PANDA"."JOBSARCHIVED4" ')
    assert '"MODIFICATIONTIME" DATE NOT NULL' in fast
    assert 'PARTITION BY RANGE ("MODIFICATIONTIME")' in fast
    assert """PARTITION "P20240615" VALUES LESS THAN (TO_DATE('2024-06-16', 'YYYY-MM-DD'))""" in fast  # daily
    archive = statement(lines, 'CREATE TABLE "ATLAS_PANDAARCH"."JOBSARCHIVED" ')
    assert """PARTITION "P202406" VALUES LESS THAN (TO_DATE('2024-07-01', 'YYYY-MM-DD'))""" in archive  # monthly
    assert "PRIMARY KEY" not in archive
    index = 'CREATE INDEX "JOBSARCHIVED_STATECHANGETIME" ON "ATLAS_PANDAARCH"."JOBSARCHIVED" ("STATECHANGETIME")'
    assert f"{index} LOCAL;" in lines
    sequence = 'CREATE SEQUENCE "ATLAS_PANDA"."JOBSDEFINED4_PANDAID_SEQ"'
    assert f"{sequence} INCREMENT BY 1 MINVALUE 1 START WITH 1 NOCACHE;" in lines


def test_oracle_atlas_is_never_created(scratch):
    with pytest.raises(LayoutError, match="printed only"):
        create_schema(scratch, layout="oracle-atlas")
