"""The shared cache of expensive summaries, on the machine's Redis: concurrent identical
requests against a live server make one computation, a window reaching now stays fresh
briefly and one wholly in the past long, the answer says its age, and a cache that is
down only costs the computation."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import redis
import requests
from django.core.cache import cache

from pandamon import summarycache

pytestmark = pytest.mark.django_db(databases=["default", "panda"], transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def summary_cache_on(settings):
    settings.PANDAMON_SUMMARY_CACHE = True
    cache.clear()  # the local-memory cache of the tests that do not use Redis


@pytest.fixture
def redis_cache(settings):
    """Django's RedisCache on the machine's Redis, under a prefix of this test's own."""
    prefix = f"pandamon-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    client = redis.Redis.from_url(REDIS_URL)
    summarycache.stats.clear()
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def outcomes(view: str) -> dict[str, int]:
    return {o: summarycache.stats[(o, view)] for o in ("hit", "wait", "miss")}


def test_concurrent_identical_requests_compute_once(live_server, redis_cache):
    client, prefix = redis_cache
    url = live_server.url + "/errors/?json&days=10&sortby=count"
    barrier = threading.Barrier(8)
    answers: list[requests.Response] = []
    lock = threading.Lock()

    def ask():
        barrier.wait()
        response = requests.get(url, timeout=60)
        with lock:
            answers.append(response)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert len(answers) == 8 and {r.status_code for r in answers} == {200}
    seen = outcomes("errors")
    assert seen["miss"] == 1 and seen["hit"] + seen["wait"] == 7, seen
    bodies = [{k: v for k, v in r.json().items() if k != summarycache.AGE_KEY} for r in answers]
    assert all(b == bodies[0] for b in bodies)
    assert list(client.scan_iter(match=f"{prefix}:*summary:*"))  # kept in Redis, where every instance finds it
    # Another query is another answer.
    requests.get(live_server.url + "/errors/?json&days=9", timeout=60).raise_for_status()
    assert outcomes("errors")["miss"] == 2


def test_waiters_take_the_first_answer(redis_cache):
    """The lock itself, on Redis: eight threads, one slow computation."""
    calls: list[int] = []
    barrier = threading.Barrier(8)
    results = []

    def compute():
        calls.append(1)
        time.sleep(0.5)
        return {"n": 42}

    def ask():
        barrier.wait()
        results.append(summarycache.obtain("summary:lock-test", 60, compute, "lock-test"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(calls) == 1 and len(results) == 8
    assert {r[1]["n"] for r in results} == {42} and len({r[0] for r in results}) == 1
    assert outcomes("lock-test") == {"hit": 0, "wait": 7, "miss": 1}


def test_freshness_short_for_now_long_for_the_past(client, redis_cache, settings):
    redis_client, prefix = redis_cache
    settings.PANDAMON_SUMMARY_FRESH_SECONDS, settings.PANDAMON_SUMMARY_PAST_SECONDS = 30, 7200
    assert client.get("/?json&hours=6").status_code == 200
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    before = (dt.datetime.now(dt.UTC) - dt.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    assert client.get("/", {"json": "", "date_from": before, "date_to": past}).status_code == 200
    ttls = sorted(redis_client.ttl(k) for k in redis_client.scan_iter(match=f"{prefix}:*summary:*")
                  if not k.endswith(b":lock"))
    assert len(ttls) == 2
    assert 0 < ttls[0] <= 30 and 3600 < ttls[1] <= 7200


def test_the_answer_says_its_age(client, settings):
    first = client.get("/errors/?json&hours=7")
    assert first.json()[summarycache.AGE_KEY] == 0 and first["Age"] == "0"
    time.sleep(1.1)
    second = client.get("/errors/?json&hours=7&_=123")  # the same query (cache busters do not count)
    assert second.json()[summarycache.AGE_KEY] >= 1 and int(second["Age"]) >= 1
    html = client.get("/errors/?hours=7")
    assert html.status_code == 200 and "Age" in html
    assert client.get("/errors/?json&hours=8").json()[summarycache.AGE_KEY] == 0  # another query


def test_a_cache_that_is_down_costs_only_the_computation(client, settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"socket_connect_timeout": 0.2}}}
    for _ in range(3):
        response = client.get("/errors/?json&hours=5")
        assert response.status_code == 200 and response.json()[summarycache.AGE_KEY] == 0
    assert sum("summary cache unavailable" in r.getMessage() for r in caplog.records) == 1


def test_a_killed_holders_lock_lapses_and_a_live_holder_keeps_its_own(redis_cache, settings):
    """The lock is a lease: one left by an instance killed mid-computation lapses within it (the waiter
    computes after about a lease, not after PANDAMON_SUMMARY_WAIT_SECONDS); a live holder renews it."""
    settings.PANDAMON_SUMMARY_LEASE_SECONDS = 1
    key = f"lease-{uuid.uuid4().hex}"
    cache.add(key + ":lock", "token-of-a-killed-instance", timeout=1)
    started = time.monotonic()
    _, data = summarycache.obtain(key, 60, lambda: {"n": 1}, "lease")
    assert data == {"n": 1} and time.monotonic() - started < 5

    slow, computed = f"lease-{uuid.uuid4().hex}", []

    def compute():
        computed.append(1)
        time.sleep(3)  # three leases long
        return {"n": 2}

    holder = threading.Thread(target=summarycache.obtain, args=(slow, 60, compute, "lease"))
    holder.start()
    time.sleep(2.2)
    client, prefix = redis_cache
    assert 0 < client.ttl(f"{prefix}:1:{slow}:lock") <= 1  # a lease of one second, renewed past it
    _, data = summarycache.obtain(slow, 60, lambda: computed.append(1) or {"n": 3}, "lease")
    holder.join()
    assert data == {"n": 2} and computed == [1]  # the second request waited for the holder's answer
