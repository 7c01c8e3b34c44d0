"""One worker node's page (`/wn/<site>/<node>/`): its jobs by state and errors equal
to plain SQL over every job table in the window, the finished/failed plot, the link
from the queue's worker-node list, a 404 for an unknown queue, pinned queries."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from tests import sqlcheck
from tests.pages import explicit_window, get_json

pytestmark = pytest.mark.django_db(databases=["default", "panda"])


@pytest.fixture
def busiest(generated_at):
    """The node with the most failed jobs in three days, its queue and the window."""
    query, (start, end) = explicit_window(generated_at, days=3)
    where, args = sqlcheck.window_where(start, end)
    counts = sqlcheck.grouped_counts(["computingsite", "modificationhost"], where + " AND jobstatus = 'failed'",
                                     args)
    (site, node), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return query, (start, end), site, node


def test_states_and_errors_equal_plain_sql(client, busiest):
    query, (start, end), site, node = busiest
    response, body = get_json(client, f"/wn/{site}/{node}/", query)
    assert response.status_code == 200 and body["wn"] == node
    where, args = sqlcheck.window_where(start, end)
    here = where + " AND computingsite = %s AND modificationhost = %s"
    assert body["states"] == sqlcheck.grouped_counts(["jobstatus"], here, args + [site, node])
    assert body["states"]["failed"] > 0
    pilot = sqlcheck.grouped_counts(["piloterrorcode"], here + " AND piloterrorcode <> 0", args + [site, node])
    got = {e["codeval"]: e["count"] for e in body["errsByCount"] if e["component"] == "pilot"}
    assert got == pilot and got
    assert sum(s["total"] for s in body["plot"]["series"] if s["jobstatus"] == "failed") == body["states"]["failed"]


def test_the_queue_lists_link_to_the_node(client, busiest):
    query, _, site, node = busiest
    import re

    html = client.get(f"/wns/{site}/", query).content.decode()
    href = re.search(rf'href="(/wn/[^/"]+/{re.escape(node)}/)"', html).group(1)
    response, body = get_json(client, href, query)
    assert response.status_code == 200 and body["wn"] == node


def test_unknown_queue_is_a_404(client):
    response, body = get_json(client, "/wn/NO_SUCH_QUEUE/wn1/")
    assert response.status_code == 404 and "NO_SUCH_QUEUE" in body["error"]


def test_query_count_is_pinned(client, busiest):
    query, _, site, node = busiest
    get_json(client, f"/wn/{site}/{node}/", query)
    with CaptureQueriesContext(connections["panda"]) as captured:
        get_json(client, f"/wn/{site}/{node}/", query)
    # the queue, then per job table read: states, errors, plot (and the fast buffer's oldest row)
    assert len(captured) <= 1 + 3 * 5 + 1, [q["sql"][:100] for q in captured]


def test_html_links_every_state_to_its_jobs(client, busiest):
    query, _, site, node = busiest
    html = client.get(f"/wn/{site}/{node}/", query).content.decode()
    assert f"<h1>Worker node {node}" in html and 'data-panel="activity-failed"' in html
    assert f"modificationhost={node}" in html.replace("%2F", "/") and "jobstatus=failed" in html
