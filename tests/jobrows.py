"""Rows written into the test PanDA database with plain SQL, as PanDA writes
them, for cases the generated dataset cannot pin down (a job with every error
component set, a job with hundreds of files). Tests that use these run inside
a rolled-back transaction, so the session dataset is left as it was."""

from __future__ import annotations

import datetime as dt

from django.db import connections

from jobs.models import Filestable4, Jobsactive4, JobsStatuslog, Pandalog

# Far above the generator's pandaids (4.6e9 + minutes × block).
BASE_PANDAID = 9_100_000_000
T0 = dt.datetime(2026, 1, 10, 8, 0, 0, tzinfo=dt.UTC)


def _insert(model, rows: list[dict]) -> None:
    connection = connections["panda"]
    quote = connection.ops.quote_name
    columns = list(rows[0])
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    values = []
    for row in rows:
        values.append([connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v
                       for v in (row[c] for c in columns)])
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def insert_job(pandaid: int, model=Jobsactive4, **columns) -> dict:
    row = {
        "pandaid": pandaid, "jobname": f"test.job.{pandaid}", "jobstatus": "running", "creationtime": T0,
        "modificationtime": T0 + dt.timedelta(hours=2), "statechangetime": T0 + dt.timedelta(hours=1),
        "starttime": T0 + dt.timedelta(hours=1), "computingsite": "TEST_SITE", "produsername": "Test User",
        "vo": "atlas", "prodsourcelabel": "user", "jeditaskid": 77_000_001, "attemptnr": 0,
        "modificationhost": "wn001.test", **columns,
    }
    _insert(model, [row])
    return row


def insert_files(pandaid: int, n: int) -> None:
    _insert(Filestable4, [
        {"row_id": pandaid * 1000 + i, "pandaid": pandaid, "modificationtime": T0, "lfn": f"EVNT.{pandaid}.{i:05d}",
         "type": "input" if i else "log", "dataset": "mc23:test.dataset", "scope": "mc23", "fsize": 1000 + i,
         "status": "ready"}
        for i in range(n)
    ])


def insert_states(pandaid: int, states: list[str], start: dt.datetime = T0) -> None:
    _insert(JobsStatuslog, [
        {"pandaid": pandaid, "jobstatus": s, "modificationtime": start + dt.timedelta(minutes=10 * i),
         "modiftime_extended": start + dt.timedelta(minutes=10 * i), "modificationhost": "wn001.test"}
        for i, s in enumerate(states)
    ])


def insert_pandalog(bintime: dt.datetime, message: str, line: int) -> None:
    _insert(Pandalog, [{"bintime": bintime, "name": "panda.mon.prod", "type": "updateJob", "pid": 1, "line": line,
                        "time": bintime.isoformat(), "levelname": "INFO", "message": message}])
