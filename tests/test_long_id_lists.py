"""Long id lists: a filter of thousands of pandaids is written as IN lists of at most
1,000 values joined by OR (Oracle's limit), and on MariaDB and PostgreSQL every job table
is then read through its pandaid index, checked by EXPLAIN. On MariaDB the session looks
up every value (eq_range_index_dive_limit above the longest list the monitor accepts):
past the default 200 values, the optimizer's guess from statistics chose a full scan."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connections

from jobs.models import Jobsarchived4
from jobs.query import JobQuery
from jobs.query.filters import IN_CHUNK, in_q
from pandamon.params import MAX_LIST_VALUES, parse_params
from tests.conftest import backend

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

N_IDS = 2_500  # three IN lists


@pytest.fixture
def ids(panda_db) -> list[int]:
    """Mostly ids the tables do not hold (as a pipeline asking about old jobs), some they do."""
    known = list(Jobsarchived4.objects.order_by("pandaid").values_list("pandaid", flat=True)[:100])
    unknown = 9_000_000_000  # past every generated pandaid
    return known + list(range(unknown, unknown + N_IDS - len(known)))


def queries(ids: list[int]):
    """The job list's per-table SELECTs for `pandaid=<ids>` (an id lookup: no window)."""
    query = JobQuery(parse_params({"pandaid": ",".join(map(str, ids))}, window_required=False))
    assert query.window is None
    return [(source, qs.order_by("-pandaid").values("pandaid", "jobstatus")[:100])
            for source, qs in query.querysets()]


def test_in_lists_are_chunked_at_1000(ids):
    for source, qs in queries(ids):
        sql, params = qs.query.sql_with_params()
        lists = re.findall(r"IN \(([^)]*)\)", sql)
        assert len(lists) == 3, (source.name, sql[:300])
        assert sorted(item.count("%s") for item in lists) == [500, 1000, 1000]
        assert sorted(p for p in params if isinstance(p, int) and p > 100) == sorted(ids)


def test_in_q_matches_nothing_when_empty_and_keeps_short_lists_whole(panda_db):
    assert not Jobsarchived4.objects.filter(in_q("pandaid", [])).exists()
    sql = str(Jobsarchived4.objects.filter(in_q("pandaid", range(IN_CHUNK))).query)
    assert sql.count(" IN (") == 1


def test_chunked_lists_give_the_same_jobs(ids, panda_db):
    found = {row["pandaid"] for _, qs in queries(ids) for row in qs}
    assert found == set(ids[:100])  # the known ones, from whichever lists and tables hold them


def explain_mariadb(sql: str, params) -> list[dict]:
    with connections["panda"].cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_mariadb_reads_every_table_by_its_pandaid_index(ids):
    if backend() != "mysql":
        pytest.skip("MariaDB's plan; PostgreSQL's is checked below, the MariaDB run covers this")
    with connections["panda"].cursor() as cursor:
        cursor.execute("SELECT @@SESSION.eq_range_index_dive_limit")
        assert cursor.fetchone()[0] == MAX_LIST_VALUES + 1  # set by pandamon.dbsession on connect
    indexed = 0
    for source, qs in queries(ids):
        plans = explain_mariadb(*qs.query.sql_with_params())
        with connections["panda"].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connections['panda'].ops.quote_name(source.model._meta.db_table)}")
            rows = cursor.fetchone()[0]
        for plan in plans:
            if plan["table"] is None or plan["id"] != 1:  # nothing read, or the archive's de-duplication subquery
                continue
            if rows < len(ids) and plan["type"] == "ALL":
                continue  # a test table smaller than the list: reading it whole is rightly cheaper
            assert plan["type"] in ("range", "eq_ref", "ref", "const"), (source.name, rows, plan)
            assert plan["key"] in ("PRIMARY", "pandaid") or "pandaid" in (plan["key"] or ""), (source.name, plan)
            indexed += 1
    assert indexed >= 3  # the live tables at least


def scans(node: dict) -> list[dict]:
    found = [node] if "Relation Name" in node else []
    for child in node.get("Plans", []):
        found += scans(child)
    return found


def test_postgresql_reads_every_table_by_its_pandaid_index(ids):
    if backend() != "postgresql":
        pytest.skip("PostgreSQL's plan; the PostgreSQL runs cover this")
    for source, qs in queries(ids):
        sql, params = qs.query.sql_with_params()
        with connections["panda"].cursor() as cursor:
            # The test tables are small enough that the planner would read any of them whole;
            # with sequential scans priced out, a Seq Scan remains only where no index applies.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        nodes = scans(plan[0]["Plan"])
        assert nodes, (source.name, plan)
        for node in nodes:
            assert node["Node Type"] != "Seq Scan", (source.name, node)
            condition = node.get("Index Cond", "") + node.get("Recheck Cond", "")
            if node["Node Type"] == "Bitmap Heap Scan":
                assert "pandaid" in condition, (source.name, node)
