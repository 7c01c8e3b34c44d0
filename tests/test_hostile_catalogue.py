"""The hostile catalogue (issue 11, item 6): what an attacker or a broken script sends,
over every URL of the monitor: SQL injection strings in every parameter, huge and
boundary numbers, unicode and NUL, path traversal on the log URLs, methods a URL does
not take, bad bodies and content types on the POST API, bad Accept headers. None may
give a 5xx, and no payload may come back unescaped in HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from jobs.models import JobsStatuslog
from jobs.query.lookup import find_job
from tasks.models import JediTask

pytestmark = pytest.mark.django_db(databases=["default", "panda"], transaction=True)

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE jobsactive4; --",
    "1 UNION SELECT user, password FROM mysql.user --",
    "1' AND SLEEP(5) --",
    "'; SELECT pg_sleep(5); --",
    "\\'; --",
    "%27%20OR%201%3D1",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "${7*7}{{7*7}}",
]
NUMBERS = ["9" * 40, "-1", "-9223372036854775809", "18446744073709551616", "1e308", "nan", "inf", "0x10",
           "1.5", "0", "   7 "]
TEXTS = ["ünïcødé ☃", "\u202egnp.exe", "😀" * 50, "a" * 5000, "\x00", "a\x00b", "%00", "\r\nX-Injected: 1",
         "*", "**", "%", "_", "[]", "{}"]

# Every page with the parameters it reads (the catalogue puts each payload in each).
PAGES = {
    "/": ["hours", "days", "vo", "cloud", "computingsite"],
    "/jobs/": ["pandaid", "jobstatus", "computingsite", "produsername", "jeditaskid", "hours", "date_from",
               "display_limit", "limit", "sortby", "after", "fields", "outputs", "jobname", "modificationtime"],
    "/errors/": ["hours", "computingsite", "jobstatus", "sortby", "produsername"],
    "/sites/": ["status", "cloud", "hours"],
    "/users/": ["hours", "produsername", "sortby"],
    "/tasks/": ["jeditaskid", "taskname", "status", "tasktype", "days", "sortby", "limit"],
    "/search/": ["q"],
    "/datasets/": ["datasetname", "jeditaskid"],
    "/files/": ["lfn", "scope"],
    "/api/jobs/status/": ["pandaid"],
    "/api/support/maxpandaid/": ["pandaid"],
}


@pytest.fixture(scope="module")
def subjects(django_db_setup, django_db_blocker, log_root) -> dict:
    with django_db_blocker.unblock():
        pandaid = next(int(p.name) for p in sorted(Path(log_root).iterdir()) if p.name.isdigit() and any(p.iterdir()))
        job, _ = find_job(pandaid=pandaid)
        task = JediTask.objects.order_by("jeditaskid").first()
        logged = JobsStatuslog.objects.values_list("pandaid", flat=True).first()
    logname = sorted(p.name for p in (Path(log_root) / str(pandaid)).iterdir())[0]
    return {"pandaid": pandaid, "log": logname, "site": job["computingsite"], "user": task.username,
            "task": task.jeditaskid, "logged": logged}


def object_urls(s: dict) -> list[str]:
    return [f"/job/{s['pandaid']}/", f"/jobstatuslog/{s['logged']}/", f"/site/{s['site']}/", f"/wns/{s['site']}/",
            f"/user/{s['user']}/", f"/task/{s['task']}/", f"/job/{s['pandaid']}/log/{s['log']}"]


def catalogue(s: dict) -> list[tuple]:
    """(method, path, query, body, content type, headers) of every hostile request."""
    cases = []
    for path, names in PAGES.items():
        for name in names:
            for payload in INJECTIONS[:4] + [NUMBERS[0], NUMBERS[2], TEXTS[1], TEXTS[3], TEXTS[5]]:
                cases.append(("GET", path, {name: payload, "json": ""}, None, None, {}))
            for payload in INJECTIONS[7:9] + ["'\"<>&"]:  # reflected in HTML?
                cases.append(("GET", path, {name: payload}, None, None, {}))
    for url in object_urls(s):
        for payload in INJECTIONS + NUMBERS[:3] + TEXTS[:4]:
            cases.append(("GET", url, {"hours": payload, "json": ""}, None, None, {}))
    # Object ids themselves hostile.
    for payload in ["'%20OR%201=1", "9" * 40, "-1", "0", "%3Cscript%3E", "..", "%2e%2e", "😀", "%00"]:
        for template in ("/job/{}/", "/task/{}/", "/site/{}/", "/user/{}/", "/dataset/{}/", "/jobstatuslog/{}/"):
            cases.append(("GET", template.format(payload), {}, None, None, {}))
        cases.append(("GET", "/job/", {"pandaid": payload, "json": ""}, None, None, {}))
        cases.append(("GET", "/filebrowser/", {"pandaid": payload}, None, None, {}))
    # Traversal on the log and file URLs.
    base = f"/job/{s['pandaid']}/log/"
    for name in ["../../../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd",
                 "....//....//etc/passwd", "..\\..\\..\\etc\\passwd", "/etc/passwd", "%2fetc%2fpasswd",
                 f"{s['log']}%00.txt", f"{s['log']}/..", "../" * 30 + "etc/passwd", "~root/.ssh/id_rsa",
                 "..%252f..%252fetc%252fpasswd", "%c0%ae%c0%ae/etc/passwd", ".", "..", "a" * 3000]:
        cases.append(("GET", base + name, {}, None, None, {}))
        cases.append(("GET", base + name, {"json": ""}, None, None, {}))
    for query in [{"tail": "9" * 30}, {"offset": "-5"}, {"length": "1e9"}, {"tail": "x"}, {"offset": "9" * 30}]:
        cases.append(("GET", base + s["log"], query, None, None, {}))
    # Methods a URL does not take.
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"):
        for path in ("/", "/jobs/", f"/job/{s['pandaid']}/", "/api/openapi.json", "/health/", base + s["log"]):
            cases.append((method, path, {"json": ""}, "{}", "application/json", {}))
    # Bodies and content types on the POST API.
    status = "/api/jobs/status/"
    json_bodies = ["not json", "[1, 2, 3]", '{"pandaids": "1,2"}', '{"pandaids": ["1; drop table x"]}',
                   '{"pandaids": [1e400]}', '{"pandaids": [' + ",".join(["1"] * 20001) + "]}", '{"pandaids": null}',
                   '{"pandaids": [[1]]}', '{"pandaids": [{"$gt": 0}]}', "[" * 5000 + "]" * 5000, "",
                   b'{"pandaids": [1, "\xff\xfe"]}', '{"pandaids": [-1, 0, 99999999999999999999]}',
                   '{"pandaids": [1], "x": 1}']
    other_types = [('{"pandaids": [1]}', "text/plain"), ("pandaids=1&pandaids=2", "application/x-www-form-urlencoded"),
                   ("--x\r\n\r\n--x--", "multipart/form-data"), ('{"pandaids": [1]}', "application/xml")]
    for body, ctype in [(b, "application/json") for b in json_bodies] + other_types:
        cases.append(("POST", status, {}, body, ctype, {}))
    # Accept headers.
    for accept in ["application/json;q=abc", "*/*;q=2", "text/html;q=0, application/json;q=0", "garbage",
                   "application/" + "x" * 3000, "text/json", "application/json, text/html;q=1.1", ";;;,,,",
                   "*/*", "image/png"]:
        for path in ("/", "/jobs/", "/api/jobs/status/?pandaid=1", "/no-such-page/"):
            cases.append(("GET", path, {}, None, None, {"Accept": accept}))
    return cases


def reflected(payload: str, html: str) -> bool:
    return any(c in payload for c in "<>\"'") and payload in html


def test_the_catalogue_is_large(subjects):
    assert len(catalogue(subjects)) >= 150


def test_no_hostile_request_gives_a_5xx_or_reflects_its_payload(client, subjects):
    failures = []
    for method, path, query, body, ctype, headers in catalogue(subjects):
        if method in ("GET", "HEAD"):
            response = client.generic(method, path, headers=headers, query_params=query or None)
        else:
            response = client.generic(method, path, data=body or "", content_type=ctype or "", headers=headers,
                                      query_params=query or None)
        # Read and close a stream: closing releases its admission slot (as a server does).
        content = b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {method} {path} {query!r} {str(body)[:60]!r}: {content[:200]!r}")
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            html = content.decode("utf-8", "replace")
            for payload in list(query.values()) + [path]:
                if reflected(str(payload), html):
                    failures.append(f"reflected {payload!r} on {method} {path}")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:40])


def test_log_traversal_never_reads_outside_the_log_store(client, subjects):
    secret = Path(settings.PANDAMON_LOG_ROOT).parent / "outside-the-store.txt"
    secret.write_text("secret")
    try:
        for name in ["../outside-the-store.txt", "..%2foutside-the-store.txt", "../../" + secret.parent.name
                     + "/outside-the-store.txt", str(secret)]:
            response = client.get(f"/job/{subjects['pandaid']}/log/{name}")
            assert response.status_code in (400, 404), (name, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            response.close()
            assert b"secret" not in body
    finally:
        secret.unlink()


def test_a_body_over_the_limit_is_refused(client):
    response = client.post("/api/jobs/status/", data=json.dumps({"pandaids": list(range(1, 20_002))}),
                           content_type="application/json")
    assert 400 <= response.status_code < 500
