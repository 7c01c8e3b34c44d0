"""Queue configuration from either of PanDA's sources: current schedconfig_json (CRIC
records) or the legacy schedconfig/cloudconfig. The queue pages and the search box
answer the same JSON from both for the same queues; the source is detected from
what the database has or forced by PANDA_QUEUE_SOURCE; filters on JSON keys run in
the database."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import quote

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from jobs.synthetic import config
from jobs.synthetic.catalogue import BLACK_HOLE_SITE
from jobs.synthetic.writer import TableWriter
from pandamon import introspection
from pandamon.routers import PANDA_DB
from sites import sources
from sites.models import Cloudconfig, CricJSONField, PandaSite, Schedconfig, SchedconfigJson, Site
from tests.pages import explicit_window, get_json
from tests.renamed import renamed

pytestmark = pytest.mark.django_db(databases=["default", "panda"])

QUEUE_MODELS = {SchedconfigJson: config.schedconfig_json_rows, Site: config.site_rows,
                PandaSite: config.panda_site_rows, Schedconfig: config.schedconfig_rows,
                Cloudconfig: config.cloudconfig_rows}


@pytest.fixture(scope="module")
def both_sources(django_db_setup, django_db_blocker, generated_at):
    """Both sources' tables in the test database, filled with the generator's rows
    for the same queues: the layout may have only one of them (postgres-doma has no
    schedconfig); those created here are dropped afterwards."""
    created = []
    with django_db_blocker.unblock():
        connection = connections[PANDA_DB]
        now = generated_at.replace(tzinfo=None)
        for model, rows in QUEUE_MODELS.items():
            if introspection.has_table(model, fresh=True):
                continue
            with connection.schema_editor() as editor:
                editor.create_model(model)
            created.append(model)
            writer = TableWriter(connection, model, 500)
            writer.add_many(rows(now))
            writer.flush()
        introspection.forget()
        yield
        for model in reversed(created):
            with connection.schema_editor() as editor:
                editor.delete_model(model)
        introspection.forget()


@pytest.fixture
def window(generated_at):
    return explicit_window(generated_at, days=3)


@pytest.fixture
def long_window(generated_at):
    """The black-hole node's jobs need the whole generated span."""
    return explicit_window(generated_at, days=10, hours=1)


def answer(client, settings, source: str, path: str, query: dict) -> tuple[object, list[str]]:
    """The JSON of `path` with the queue source forced, and the SQL it sent."""
    settings.PANDA_QUEUE_SOURCE = source
    with CaptureQueriesContext(connections[PANDA_DB]) as ctx:
        response, body = get_json(client, path, query)
    assert response.status_code == 200, body
    return body, [q["sql"] for q in ctx.captured_queries]


def reads(sql: list[str], table: str) -> bool:
    return any(re.search(rf"\b{table}\b", s, re.IGNORECASE) for s in sql)


# --- the same answers from both sources --------------------------------------------------------------


def pages() -> list[tuple[str, dict]]:
    queue = config.schedconfig_rows(dt.datetime(2026, 1, 1))[0]
    return [
        ("/sites/", {}),
        ("/sites/", {"cloud": "UK|DE"}),
        ("/sites/", {"cloud": "!US", "status": "online|test"}),
        ("/sites/", {"vo": "lsst"}),
        ("/sites/", {"cloud": "U*"}),
        ("/sites/", {"status": "!online", "jobtype": "production"}),
        (f"/site/{queue['siteid']}/", {}),
        (f"/site/{quote(queue['nickname'], safe='')}/", {}),
        (f"/wns/{BLACK_HOLE_SITE}/", {}),
        ("/search/", {"q": queue["siteid"].lower()}),
        ("/search/", {"q": queue["nickname"]}),
    ]


@pytest.mark.parametrize("path, query", pages())
def test_both_sources_give_the_same_json(client, settings, both_sources, window, long_window, path, query):
    window_query, _ = long_window if path.startswith("/wns/") else window
    if path != "/search/":
        query = {**query, **window_query}
    legacy, legacy_sql = answer(client, settings, sources.LEGACY, path, query)
    current, current_sql = answer(client, settings, sources.JSON, path, query)
    if path.startswith("/wns/"):  # BigPanDA's `built` is the clock's H:M:S: the two answers may straddle a second
        legacy.pop("built"), current.pop("built")
    assert current == legacy
    assert current, "the page found something"
    assert reads(current_sql, "schedconfig_json") and not reads(current_sql, "schedconfig")
    assert reads(legacy_sql, "schedconfig") and not reads(legacy_sql, "schedconfig_json")


def test_every_queue_once_with_the_contract_keys(client, settings, both_sources, window):
    query, _ = window
    body, _ = answer(client, settings, sources.JSON, "/sites/", query)
    assert sorted(q["nickname"] for q in body) == sorted(r["nickname"] for r in config.schedconfig_rows(
        dt.datetime(2026, 1, 1)))
    for queue in body:
        assert set(queue) == set(sources.KEYS) | {"states"}
        assert queue["comment"] == queue["comment_"] and queue["vo"] == queue["vo_name"]
        assert isinstance(queue["corecount"], int) and isinstance(queue["corepower"], float)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", queue["lastmod"])


def test_html_pages_answer_from_the_json_source(client, settings, both_sources):
    settings.PANDA_QUEUE_SOURCE = sources.JSON
    html = client.get("/sites/").content.decode()
    assert 'class="badge badge-online"' in html and 'href="/sites/?' in html and "· Tier-1 " in html
    assert client.get(f"/site/{BLACK_HOLE_SITE}/").status_code == 200
    assert client.get(f"/wns/{BLACK_HOLE_SITE}/").status_code == 200


# --- which source --------------------------------------------------------------------------------------


def test_auto_takes_schedconfig_json_where_the_database_has_it(client, settings, both_sources):
    settings.PANDA_QUEUE_SOURCE = "auto"
    assert sources.current() is sources.CRIC
    _, sql = answer(client, settings, "auto", "/sites/", {"cloud": "UK"})
    assert reads(sql, "schedconfig_json") and not reads(sql, "schedconfig")


def test_auto_without_schedconfig_json_reads_the_legacy_tables(client, settings, both_sources):
    with renamed({SchedconfigJson: "q_no_schedconfig_json", Site: "q_no_site", PandaSite: "q_no_panda_site"}):
        assert sources.current() is sources.LEGACY_SOURCE
        body, sql = answer(client, settings, "auto", "/sites/", {"cloud": "UK"})
    assert body and reads(sql, "schedconfig") and not reads(sql, "q_no_schedconfig_json")


def test_auto_without_the_legacy_tables_never_touches_them(client, settings, both_sources):
    """Current PanDA: no schedconfig, no cloudconfig."""
    with renamed({Schedconfig: "q_no_schedconfig", Cloudconfig: "q_no_cloudconfig"}):
        settings.PANDA_QUEUE_SOURCE = "auto"
        html = client.get("/sites/")
        assert html.status_code == 200
        for path in (f"/site/{BLACK_HOLE_SITE}/", f"/wns/{BLACK_HOLE_SITE}/"):
            _, sql = answer(client, settings, "auto", path, {})
            assert not reads(sql, "q_no_schedconfig")
        assert client.get("/search/", {"q": BLACK_HOLE_SITE.lower()}).status_code == 302


def test_forced_source_is_read_even_where_the_other_exists(client, settings, both_sources):
    _, sql = answer(client, settings, "schedconfig", "/site/AGLT2/", {})
    assert reads(sql, "schedconfig") and not reads(sql, "schedconfig_json")


@pytest.mark.parametrize("value", ["cric", "", "SCHEDCONFIG"])
def test_unknown_source_setting_is_a_clear_configuration_error(client, settings, value):
    settings.PANDA_QUEUE_SOURCE = value
    for path in ("/sites/", "/site/AGLT2/", "/search/"):
        response, body = get_json(client, path, {"q": "AGLT2"} if path == "/search/" else {})
        assert response.status_code == 500
        assert "PANDA_QUEUE_SOURCE" in body["error"] and "schedconfig_json" in body["error"]


# --- filters in the database ----------------------------------------------------------------------------


def queue_query(sql: list[str]) -> str:
    (found,) = [s for s in sql if re.search(r"\bschedconfig_json\b", s, re.IGNORECASE)]
    return found


def test_queue_filters_are_json_functions_in_the_where_clause(client, settings, both_sources):
    body, sql = answer(client, settings, sources.JSON, "/sites/", {"cloud": "UK", "status": "online", "vo": "atlas"})
    assert body and all(q["cloud"] == "UK" and q["status"] == "online" for q in body)
    select = queue_query(sql)
    where = select[select.upper().index(" WHERE "):]
    vendor = connections[PANDA_DB].vendor
    function = {"postgresql": "->>", "mysql": "JSON_EXTRACT", "sqlite": "JSON_EXTRACT"}[vendor]
    for name in ("cloud", "status", "vo_name"):
        assert re.search(re.escape(function) + r".{0,40}" + name, where, re.IGNORECASE | re.DOTALL), (name, where)
    assert "ORDER BY" in select.upper()


def test_a_queue_is_found_by_name_in_the_database(client, settings, both_sources):
    _, sql = answer(client, settings, sources.JSON, f"/site/{BLACK_HOLE_SITE}/", {})
    select = queue_query(sql)
    assert " WHERE " in select.upper() and "panda_queue" in select[select.upper().index(" WHERE "):]


# --- CRIC records as PanDA writes them --------------------------------------------------------------------


def insert_queue(panda_queue: str, data: dict) -> None:
    connection = connections[PANDA_DB]
    table = connection.ops.quote_name(SchedconfigJson._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (panda_queue, data, last_update) VALUES (%s, %s, %s)",
                       [panda_queue, json.dumps(data), connection.ops.adapt_datetimefield_value(
                           dt.datetime(2026, 3, 1, 12, 0))])


def test_a_sparse_cric_record_with_a_cloud_list(client, settings, both_sources):
    """CRIC's record as it comes: no siteid, no nickname, numbers as text, a comma
    list of clouds (the first is the home cloud), no lastmod (last_update instead)."""
    insert_queue("Q_TEST_QUEUE", {"cloud": "CA,US", "status": "test", "corecount": "8", "vo_name": "atlas",
                                  "queues": [{"ce_endpoint": "ce9.example.org:9619", "ce_jobmanager": "arc"}],
                                  "comment": "HC.Test.Me"})
    settings.PANDA_QUEUE_SOURCE = sources.JSON
    _, home = get_json(client, "/sites/", {"cloud": "CA", "status": "test"})
    assert [q["nickname"] for q in home] == ["Q_TEST_QUEUE"]
    queue = home[0]
    assert (queue["siteid"], queue["cloud"], queue["corecount"], queue["comment_"]) == \
        ("Q_TEST_QUEUE", "CA", 8, "HC.Test.Me")
    assert (queue["gatekeeper"], queue["jobmanager"], queue["lastmod"]) == ("ce9.example.org", "arc",
                                                                           "2026-03-01T12:00:00")
    _, other = get_json(client, "/sites/", {"cloud": "US"})
    assert "Q_TEST_QUEUE" not in {q["nickname"] for q in other}
    response, site = get_json(client, "/site/Q_TEST_QUEUE/")
    assert response.status_code == 200 and {"param": "nickname", "value": "Q_TEST_QUEUE"} in site
    assert client.get("/search/", {"q": "q_test_queue"})["Location"] == "/site/Q_TEST_QUEUE/"


@pytest.mark.parametrize("stored", [{"nickname": "X", "cloud": "US"}, '{"nickname": "X", "cloud": "US"}', None])
def test_data_is_read_as_a_dict_or_as_text(stored):
    value = CricJSONField().from_db_value(stored, None, connections[PANDA_DB])
    assert value == (None if stored is None else {"nickname": "X", "cloud": "US"})


@pytest.mark.parametrize("tool, keep", [("rucio", lambda r: True), ("xrdcp", lambda r: r["type"] == "analysis"),
                                        ("gfal", lambda r: r["tier"] == "T1"), ("nosuchtool", lambda r: False)])
def test_copytool_chooses_the_queues_cric_configures_with_it(client, settings, both_sources, window, tool, keep):
    """BigPanDA's copytool=: the queues whose CRIC copytools have that key (the generator's records: rucio
    everywhere, xrdcp on analysis queues, gfal on Tier-1s), chosen in the database."""
    query, _ = window
    body, sql = answer(client, settings, sources.JSON, "/sites/", {**query, "copytool": tool})
    rows = config.schedconfig_rows(dt.datetime(2026, 1, 1))
    assert sorted(q["nickname"] for q in body) == sorted(r["nickname"] for r in rows if keep(r))
    assert any("copytools" in q and tool in q for q in sql)
    assert all(q["legacy_nickname"] == q["nickname"] for q in body)  # the generator's CRIC keeps the legacy name


def test_copytool_is_a_400_where_the_source_has_no_copy_tools(client, settings, both_sources, window):
    settings.PANDA_QUEUE_SOURCE = sources.LEGACY
    for query in ({"copytool": "rucio"}, {"copytool": "ru'cio"}):
        response = client.get("/sites/", {**window[0], **query, "json": ""})
        assert response.status_code == 400 and "copytool" in response.json()["error"]
