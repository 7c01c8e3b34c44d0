"""The region and world dashboards (`/dash/region/`, `/dash/world/`): BigPanDA's
nested summaries, every count equal to plain SQL over every job table (split by
job type and resource type, and with mode=drop), the queue's facts from the queue
configuration, links onto exactly the counted jobs, 400s and a pinned query count."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.views.selection import JOB_STATES
from sites import sources
from tasks.models import JediJobRetryHistory
from tests import sqlcheck
from tests.pages import assert_bad_request, explicit_window, get_json, named, query_of

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
# Written out here, not imported: BigPanDA's job types as the parser's jobtype= groups them.
ANALY, PROD = ("user", "panda"), ("managed",)


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=3)


def jobtype(label):
    return "analy" if label in ANALY else "prod" if label in PROD else None


def sql_rows(start, end, extra_where="", extra_params=(), place="computingsite"):
    """{(place, jobtype, resource_type, jobstatus): jobs} by plain SQL."""
    where, params = sqlcheck.window_where(start, end)
    counts = sqlcheck.grouped_counts([place, "prodsourcelabel", "resource_type", "jobstatus"],
                                     where + extra_where, params + list(extra_params))
    out: Counter = Counter()
    for (site, label, rt, state), n in counts.items():
        out[(named(site), jobtype(label), named(rt), state)] += n
    return out


def expected_summary(rows, name_of) -> dict:
    """{name: {jobtype: {rt: {state: n}}}} with the "all" margins, from plain-SQL rows."""
    out: dict = {}
    for (place, jt, rt, state), n in rows.items():
        for j in {"all", jt} - {None}:
            for r in ("all", rt):
                cell = out.setdefault(name_of(place), {}).setdefault(j, {}).setdefault(r, Counter())
                cell[state] += n
    return out


def as_counts(summary: dict) -> dict:
    return {jt: {rt: Counter({e["jobstatus"]: e["count"] for e in states if e["count"]})
                 for rt, states in by_rt.items()} for jt, by_rt in summary.items()}


def test_queue_summaries_equal_plain_sql_split_by_jobtype_and_resourcetype(client, window):
    query, (start, end) = window
    response, body = get_json(client, "/dash/region/", {**query, "splitby": "jobtype,resourcetype"})
    assert response.status_code == 200
    assert {"regions", "sites", "queues", "statelist", "window"} <= set(body)
    expected = expected_summary(sql_rows(start, end), lambda site: site)
    got = {name: as_counts(q["job_summary"]) for name, q in body["queues"].items()}
    assert got == expected
    splits = {(jt, rt) for q in expected.values() for jt, by_rt in q.items() for rt in by_rt}
    assert {"analy", "prod"} <= {jt for jt, _ in splits} and len({rt for _, rt in splits}) >= 3
    for q in body["queues"].values():
        assert [e["jobstatus"] for e in q["job_summary"]["all"]["all"]][:len(JOB_STATES)] == list(JOB_STATES)
        assert q["n_jobs"] == sum(e["count"] for e in q["job_summary"]["all"]["all"])
        assert q["n_pilots_total"] == -1 and isinstance(q["problems"], list)


def test_running_cores_and_fail_rate_equal_plain_sql(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/region/", query)
    where, params = sqlcheck.window_where(start, end)
    union = " UNION ".join(
        f"SELECT pandaid, computingsite, COALESCE(actualcorecount, corecount, 1) AS cores FROM {sqlcheck._q(t)} "
        f"WHERE {where} AND jobstatus = 'running'" for t in sqlcheck.TABLES)
    with connections["panda"].cursor() as cursor:
        cursor.execute(f"SELECT computingsite, SUM(cores) FROM ({union}) u GROUP BY computingsite",
                       params * len(sqlcheck.TABLES))
        cores = {site: int(n) for site, n in cursor.fetchall()}
    assert cores and {k: q["n_running_cores"] for k, q in body["queues"].items() if q["n_running_cores"]} == cores
    ended = sql_rows(start, end, " AND jobstatus IN ('finished', 'failed')")
    for name, q in body["queues"].items():
        failed = sum(n for (s, _, _, st), n in ended.items() if s == name and st == "failed")
        finished = sum(n for (s, _, _, st), n in ended.items() if s == name and st == "finished")
        rate = round(100 * failed / (failed + finished), 1) if failed + finished else 0
        assert q["failed_percentage"] == rate, name


def queue_regions() -> dict:
    """siteid -> home cloud, the first nickname's, from the configured queue source."""
    out: dict = {}
    for row in sources.current().queryset().order_by("q_nickname").values("q_siteid", "q_cloud"):
        out.setdefault(row["q_siteid"], row["q_cloud"])
    return out


def test_regions_and_sites_add_up_the_queues_of_the_region(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/region/", query)
    regions = queue_regions()
    for name, q in body["queues"].items():
        assert q["region"] == named(regions.get(name)), name
    expected = expected_summary(sql_rows(start, end), lambda site: named(regions.get(site)))
    assert {name: as_counts(r) for name, r in body["regions"].items()} == expected
    assert len(body["regions"]) >= 3
    # a region's total is the count of plain SQL over its queues' jobs
    region, summary = max(body["regions"].items(), key=lambda kv: kv[1]["all"]["all"][0]["count"])
    sites = sorted(n for n, q in body["queues"].items() if q["region"] == region)
    where, params = sqlcheck.window_where(start, end)
    marks = ", ".join(["%s"] * len(sites))
    total = sqlcheck.total(f"{where} AND computingsite IN ({marks})", params + sites)
    assert sum(e["count"] for e in summary["all"]["all"]) == total
    # ATLAS sites: the same jobs again
    assert sum(sum(e["count"] for e in s["all"]["all"]) for s in body["sites"].values()) == \
        sum(q["n_jobs"] for q in body["queues"].values())


def test_region_filter_keeps_that_region_only(client, window):
    query, (start, end) = window
    _, body = get_json(client, "/dash/region/", query)
    region = sorted(r for r in body["regions"] if r != "Not specified")[0]
    _, one = get_json(client, "/dash/region/", {**query, "region": region})
    assert set(one["regions"]) == {region}
    assert one["regions"][region] == body["regions"][region]


def test_drop_mode_equals_an_independent_plain_sql_drop(client, generated_at):
    query, (start, end) = explicit_window(generated_at, days=10)
    history = sqlcheck._q(JediJobRetryHistory._meta.db_table)
    kept = (f" AND NOT (pandaid IN (SELECT oldpandaid FROM {history} WHERE relationtype = 'retry' "
            f"AND oldpandaid <> newpandaid) AND NOT (COALESCE(eventservice, 0) > 0 "
            f"AND jobstatus IN ('finished', 'merging')))"
            f" AND (jobsetid IS NULL OR jobsetid NOT IN (SELECT oldpandaid FROM {history} "
            f"WHERE relationtype = 'jobset_retry' AND oldpandaid <> newpandaid))")
    _, dropped = get_json(client, "/dash/region/", {**query, "mode": "drop"})
    _, all_jobs = get_json(client, "/dash/region/", query)
    got = {name: as_counts(q["job_summary"]) for name, q in dropped["queues"].items()}
    assert got == expected_summary(sql_rows(start, end, kept), lambda site: site)
    assert sum(q["n_jobs"] for q in dropped["queues"].values()) < sum(q["n_jobs"] for q in all_jobs["queues"].values())
    # The page says how many it left out, and links to exactly those.
    left_out = (sum(q["n_jobs"] for q in all_jobs["queues"].values())
                - sum(q["n_jobs"] for q in dropped["queues"].values()))
    assert dropped["dropped"]["count"] == left_out and "dropped" not in all_jobs
    _, hidden = get_json(client, "/dash/region/", query_of(dropped["dropped"]["url"]))
    assert sum(q["n_jobs"] for q in hidden["queues"].values()) == left_out
    html = client.get("/dash/region/", {**query, "mode": "drop"}).content.decode()
    assert f"mode=drop: {left_out:,} attempt" in html


def test_world_is_production_by_nucleus(client, window):
    query, (start, end) = window
    response, body = get_json(client, "/dash/world/", {**query, "splitby": "resourcetype"})
    assert response.status_code == 200 and {"nuclei", "satellites"} <= set(body)
    rows = sql_rows(start, end, " AND prodsourcelabel = %s", ["managed"], place="nucleus")
    assert rows
    assert {n: as_counts(v) for n, v in body["nuclei"].items()} == expected_summary(rows, lambda n: n)
    where, params = sqlcheck.window_where(start, end)
    pairs = sqlcheck.grouped_counts(["nucleus", "computingsite"], where + " AND prodsourcelabel = 'managed'", params)
    got = {(n, s): sum(e["count"] for e in v["all"]["all"]) for n, sites in body["satellites"].items()
           for s, v in sites.items()}
    assert got == {(named(n), named(s)): c for (n, s), c in pairs.items()}


def test_html_split_by_resource_type_links_to_exactly_the_counted_jobs(client, window):
    query, (start, end) = window
    html = client.get("/dash/region/", {**query, "splitby": "resourcetype"}).content.decode()
    assert '<th>resourcetype</th>' in html
    links = re.findall(r'<a (?:class="state-[a-z]+" )?href="(/jobs/\?[^"]+)">(?:<b>)?([\d,]+)(?:</b>)?</a>', html)
    with_rt = [(query_of(h), int(n.replace(",", ""))) for h, n in links if "resource_type=" in h]
    assert len(with_rt) > 10
    where, params = sqlcheck.window_where(start, end)
    for target, n in with_rt[:12]:
        assert target["date_from"] == query["date_from"]
        assert "splitby" not in target  # the page's own parameter: /jobs/ refuses it
        clause = " AND resource_type = %s" if target["resource_type"] != "Not specified" else \
            " AND resource_type IS NULL AND %s IS NOT NULL"
        extra = [target["resource_type"]]
        if "computingsite" in target:
            clause += " AND computingsite = %s"
            extra.append(target["computingsite"])
        if "jobstatus" in target:
            clause += " AND jobstatus = %s"
            extra.append(target["jobstatus"])
        if "region" in target:
            continue  # the region is the queues' cloud: checked above
        assert sqlcheck.total(where + clause, params + extra) == n, target


@pytest.mark.parametrize("path", ["/dash/region/", "/dash/world/"])
def test_query_count_is_pinned(client, window, path):
    query, _ = window
    with CaptureQueriesContext(connections["panda"]) as captured:
        response, _ = get_json(client, path, {**query, "splitby": "jobtype,resourcetype"})
    assert response.status_code == 200
    # one grouped query per job table read (live tables, fast buffer; the dedup subquery is
    # inside), the queue configuration once (region only), the catalogue's introspection at most once
    assert len(captured) <= 8, [q["sql"][:120] for q in captured]
    with CaptureQueriesContext(connections["panda"]) as again:
        get_json(client, path, {**query, "splitby": "jobtype,resourcetype"})
    assert len(again) <= len(captured)


@pytest.mark.parametrize("path", ["/dash/production/", "/dash/analysis/"])
def test_production_and_analysis_are_the_summary_of_one_jobtype(client, window, path):
    query, (start, end) = window
    _, body = get_json(client, path, query)
    labels = PROD if "production" in path else ANALY
    where, params = sqlcheck.window_where(start, end)
    marks = ", ".join(["%s"] * len(labels))
    assert sum(v["total"] for v in body["vos"]) == sqlcheck.total(
        f"{where} AND prodsourcelabel IN ({marks})", params + list(labels)) > 0


@pytest.mark.parametrize("path, bad", [
    ("/dash/region/", {"splitby": "cloud"}),
    ("/dash/region/", {"sortby": "nonsense"}),
    ("/dash/world/", {"resourcetype": ""}),
    ("/dash/region/", {"outputs": "nothing"}),
])
def test_bad_input_is_a_400(client, path, bad):
    assert_bad_request(client, path, bad)


def test_world_html_has_its_two_tables(client, window):
    query, _ = window
    html = client.get("/dash/world/", {**query, "splitby": "jobtype"}).content.decode()
    assert 'data-level="nucleus"' in html and 'data-level="nucleus / computingsite"' in html
    assert "jobtype=production" in html and re.search(r'href="/jobs/\?[^"]*"', html)
    assert not re.search(r'href="/jobs/\?[^"]*splitby', html)  # job lists refuse the page's own parameter
