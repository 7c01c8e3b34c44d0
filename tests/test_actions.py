"""Job and task actions end to end: the monitor (Django test client) → the PanDA server
double (a process, checking the user's ID token against the test OpenID provider's keys,
applying a kill to the test PanDA database) → the job page and the audit table. Every
refusal too: not the owner, ended, unknown, server down, server timeout, no server."""

from __future__ import annotations

import json

import pytest
import requests
from django.core.cache import cache
from django.db import connections
from django.test import Client

from actions.models import Action
from jobs.models import Jobsactive4, Jobsarchived4, Jobsdefined4, JobsStatuslog, Jobswaiting4
from tasks.models import JediTask
from tests import oidc
from tests.jobrows import BASE_PANDAID, insert_job
from tests.panda_double import panda_server
from tests.serving import TcpSwitch, free_port

pytestmark = pytest.mark.django_db(databases=["default", "panda"], transaction=True)

OWN = BASE_PANDAID + 7001  # Alice's activated analysis job
RUNNING = BASE_PANDAID + 7002  # Alice's running job
BOBS = BASE_PANDAID + 7003  # Bob's activated analysis job
PROD = BASE_PANDAID + 7004  # a managed (production) job of Bob's
ENDED = BASE_PANDAID + 7005  # Alice's finished job, in jobsarchived4
DEFINED = BASE_PANDAID + 7006  # Alice's defined job (reassignable)
UNKNOWN = BASE_PANDAID + 7999
IDS = (OWN, RUNNING, BOBS, PROD, ENDED, DEFINED)
TASK_FINAL = ("done", "finished", "failed", "broken", "aborted", "exhausted")


@pytest.fixture(scope="module")
def issuer():
    with oidc.provider() as url:
        yield url


@pytest.fixture(scope="module")
def tasks(django_db_setup, django_db_blocker):
    """A live task and an ended one of the generated data, with their owners and VOs."""
    with django_db_blocker.unblock():
        rows = JediTask.objects.using("panda").order_by("jeditaskid").values("jeditaskid", "username", "vo", "status")
        live = rows.exclude(status__in=TASK_FINAL).first()
        ended = rows.filter(status__in=("finished", "failed")).exclude(username=live["username"]).first()
    return {"live": live, "ended": ended}


@pytest.fixture(scope="module")
def vos(tasks):
    return sorted({oidc.VO, *(t["vo"] or oidc.VO for t in tasks.values())})


@pytest.fixture(scope="module")
def double(django_db_setup, django_db_blocker, issuer, vos, tmp_path_factory, tasks):
    for sub, task in (("towner", tasks["live"]), ("eowner", tasks["ended"])):
        oidc.set_person(issuer, sub, {"name": task["username"], "preferred_username": sub,
                                      "groups": [task["vo"] or oidc.VO]})
    with django_db_blocker.unblock(), panda_server(issuer, oidc.CLIENT_ID, vos,
                                                   tmp_path_factory.mktemp("double") / "requests.jsonl") as server:
        yield server


@pytest.fixture(autouse=True)
def configured(settings, issuer, double, vos):
    oidc.oidc_settings(settings, issuer)
    settings.PANDAMON_OIDC_VOS = vos
    settings.PANDA_SERVER_URL = double.url
    settings.PANDA_SERVER_TIMEOUT = 2
    cache.clear()
    double.forget()


@pytest.fixture
def jobs():
    insert_job(OWN, model=Jobsactive4, jobstatus="activated", produsername="Alice Analyst", prodsourcelabel="user")
    insert_job(RUNNING, model=Jobsactive4, jobstatus="running", produsername="Alice Analyst")
    insert_job(BOBS, model=Jobsactive4, jobstatus="activated", produsername="Bob Builder", prodsourcelabel="user")
    insert_job(PROD, model=Jobsactive4, jobstatus="activated", produsername="Bob Builder", prodsourcelabel="managed")
    insert_job(ENDED, model=Jobsarchived4, jobstatus="finished", produsername="Alice Analyst")
    insert_job(DEFINED, model=Jobsdefined4, jobstatus="defined", produsername="Alice Analyst")
    yield
    connection = connections["panda"]
    marks = ", ".join(["%s"] * len(IDS))
    with connection.cursor() as cursor:
        for model in (Jobsdefined4, Jobswaiting4, Jobsactive4, Jobsarchived4, JobsStatuslog):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "
                           f"WHERE pandaid IN ({marks})", IDS)


def row(model, pandaid: int) -> dict | None:
    """A job row read back with plain SQL."""
    connection = connections["panda"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT jobstatus, commandtopilot, taskbuffererrorcode, taskbuffererrordiag "
                       f"FROM {connection.ops.quote_name(model._meta.db_table)} WHERE pandaid = %s", [pandaid])
        found = cursor.fetchone()
    names = ("jobstatus", "commandtopilot", "taskbuffererrorcode", "taskbuffererrordiag")
    return dict(zip(names, found, strict=True)) if found else None


def logged_in(sub: str, **client_options) -> Client:
    client = Client(**client_options)
    response = oidc.login(client, sub)
    assert response.status_code == 302, response.content[:300]
    return client


def kill(client: Client, *pandaids: int):
    return client.post("/actions/jobs/kill/", {"pandaid": [str(p) for p in pandaids]})


# --- kill a job ----------------------------------------------------------------------

def test_owner_kills_a_queued_job(jobs):
    alice = logged_in("alice")
    page = alice.get(f"/job/{OWN}/").content.decode()
    assert f'href="/actions/jobs/kill/?pandaid={OWN}"' in page
    confirm = alice.get(f"/actions/jobs/kill/?pandaid={OWN}")
    assert confirm.status_code == 200 and 'id="confirm"' in confirm.content.decode()
    assert row(Jobsactive4, OWN)["jobstatus"] == "activated"  # the GET did nothing
    response = kill(alice, OWN)
    assert response.status_code == 200 and "killed" in response.content.decode()
    # The server's documented effect, in PanDA's tables.
    assert row(Jobsactive4, OWN) is None
    archived = row(Jobsarchived4, OWN)
    assert archived["jobstatus"] == "cancelled" and archived["taskbuffererrorcode"] == 100
    assert archived["taskbuffererrordiag"] == "killed by Alice Analyst/CN=nickname:alice"
    sent, = double_requests()
    assert sent["origin"] == "atlas" and sent["accept"] == "application/json"
    assert json.loads(sent["body"]) == {"job_ids": [OWN]}
    audit = Action.objects.get(pandaid=OWN)
    assert (audit.username, audit.action, audit.outcome, audit.origin, audit.via) == \
        ("alice", "job/kill", "done", "atlas", "session")
    assert audit.reply == {"success": True, "message": "", "data": [True]}
    page = alice.get(f"/job/{OWN}/").content.decode()
    assert 'id="audit"' in page and "job/kill" in page and "cancelled" in page


def test_running_job_shows_kill_requested(jobs):
    alice = logged_in("alice")
    response = kill(alice, RUNNING)
    assert "kill requested" in response.content.decode()
    assert row(Jobsactive4, RUNNING) == {"jobstatus": "running", "commandtopilot": "tobekilled",
                                          "taskbuffererrorcode": 0, "taskbuffererrordiag": None}
    # Anyone sees the pending kill on the job page.
    assert 'id="kill-requested"' in Client().get(f"/job/{RUNNING}/").content.decode()


def test_not_the_owner_is_denied_by_the_monitor(jobs):
    alice = logged_in("alice")
    assert "/actions/jobs/kill/" not in alice.get(f"/job/{BOBS}/").content.decode()
    response = kill(alice, BOBS)
    assert response.status_code == 200 and "not your job" in response.content.decode()
    assert row(Jobsactive4, BOBS)["jobstatus"] == "activated"
    assert double_requests() == []  # never sent
    assert Action.objects.get(pandaid=BOBS).outcome == "denied"


def test_shifter_kills_an_analysis_job_with_the_shifter_code(jobs):
    sam = logged_in("sam")
    assert f"/actions/jobs/kill/?pandaid={BOBS}" in sam.get(f"/job/{BOBS}/").content.decode()
    response = sam.post("/actions/jobs/kill/?json", {"pandaid": f"{BOBS},{PROD}"})
    assert response.status_code == 200
    assert [r["outcome"] for r in response.json()["results"]] == ["done", "done"]
    sent = {json.loads(r["body"])["job_ids"][0]: r for r in double_requests()}
    assert json.loads(sent[BOBS]["body"]) == {"job_ids": [BOBS], "code": 91}
    assert json.loads(sent[PROD]["body"]) == {"job_ids": [PROD]}  # a production job needs no code
    assert {r["origin"] for r in sent.values()} == {"atlas:production"}
    assert row(Jobsarchived4, BOBS)["taskbuffererrordiag"] == "killed by Sam Shifter/CN=nickname:sam"
    assert Action.objects.get(pandaid=BOBS).parameters["code"] == 91


def test_server_refuses_a_shifter_kill_without_code(double, issuer, jobs):
    """The server's rule the monitor works around: a plain kill of an analysis job by
    the production role answers false and does nothing."""
    token = oidc.id_token(issuer, "sam")
    reply = requests.post(f"{double.url}/api/v1/job/kill", json={"job_ids": [BOBS]}, timeout=5, headers={
        "Accept": "application/json", "Authorization": f"Bearer {token}", "Origin": "atlas:production"}).json()
    assert reply == {"success": True, "message": "", "data": [False]}
    assert row(Jobsactive4, BOBS)["jobstatus"] == "activated"


def test_ended_and_unknown_jobs_are_denied(jobs):
    alice = logged_in("alice")
    response = alice.post("/actions/jobs/kill/?json", {"pandaid": [ENDED, UNKNOWN]})
    results = {r["pandaid"]: r for r in response.json()["results"]}
    assert results[ENDED]["outcome"] == "denied" and "already ended" in results[ENDED]["message"]
    assert results[UNKNOWN]["outcome"] == "denied" and "no such job" in results[UNKNOWN]["message"]
    assert double_requests() == []
    assert set(Action.objects.values_list("pandaid", "outcome")) == {(ENDED, "denied"), (UNKNOWN, "denied")}


def test_server_refusal_is_shown_as_it_came(settings, jobs, issuer):
    """An ID token for another audience reaches the server (as a script's Bearer token
    would not: the monitor checks it first); here the stored token is swapped."""
    from accounts.models import OIDCTokens

    alice = logged_in("alice")
    OIDCTokens.objects.filter(user__username="alice").update(id_token=oidc.id_token(issuer, "alice", "other-client"))
    response = alice.post("/actions/jobs/kill/?json", {"pandaid": OWN})
    result, = response.json()["results"]
    assert result["outcome"] == "refused"
    assert result["message"].startswith("ERROR : Token authentication failed.")
    audit = Action.objects.get(pandaid=OWN)
    assert audit.http_status == 403 and audit.outcome == "refused"
    assert row(Jobsactive4, OWN)["jobstatus"] == "activated"


def test_server_down(settings, jobs):
    settings.PANDA_SERVER_URL = f"http://127.0.0.1:{free_port()}"
    alice = logged_in("alice")
    response = kill(alice, OWN)
    assert response.status_code == 503 and "down" in response.content.decode()
    audit = Action.objects.get(pandaid=OWN)
    assert audit.outcome == "error" and "down" in audit.message


def test_server_timeout(settings, jobs):
    hung = TcpSwitch()  # accepts, never answers
    try:
        settings.PANDA_SERVER_URL = f"http://127.0.0.1:{hung.port}"
        settings.PANDA_SERVER_TIMEOUT = 1
        response = logged_in("alice").post("/actions/jobs/kill/?json", {"pandaid": OWN})
    finally:
        hung.close()
    assert response.status_code == 503
    assert response.json()["results"][0]["message"] == "the PanDA server did not answer within 1 s"
    assert Action.objects.get(pandaid=OWN).outcome == "error"


def test_no_server_configured(settings, jobs):
    settings.PANDA_SERVER_URL = ""
    alice = logged_in("alice")
    assert "/actions/jobs/kill/" not in alice.get(f"/job/{OWN}/").content.decode()
    response = kill(alice, OWN)
    assert response.status_code == 503 and "PANDA_SERVER_URL" in response.content.decode()
    confirm = alice.get(f"/actions/jobs/kill/?pandaid={OWN}")
    assert confirm.status_code == 503


def test_csrf_and_get(jobs):
    browser = logged_in("alice", enforce_csrf_checks=True)
    assert kill(browser, OWN).status_code == 403
    assert browser.post("/api/actions/jobs/kill/", {"pandaids": [OWN]},
                        content_type="application/json").status_code == 403
    assert browser.get(f"/api/actions/jobs/kill/?pandaids={OWN}").status_code == 405
    assert row(Jobsactive4, OWN)["jobstatus"] == "activated"
    assert double_requests() == [] and not Action.objects.exists()


def test_anonymous_cannot_act(jobs):
    response = Client().post("/actions/jobs/kill/", {"pandaid": OWN})
    assert response.status_code == 401
    assert "/actions/" not in Client().get(f"/job/{OWN}/").content.decode()


def test_bad_input_is_400(settings, jobs):
    settings.PANDAMON_KILL_MAX_JOBS = 2
    alice = logged_in("alice")
    assert alice.post("/actions/jobs/kill/", {"pandaid": "x"}).status_code == 400
    assert alice.post("/actions/jobs/kill/", {}).status_code == 400
    too_many = alice.post("/actions/jobs/kill/", {"pandaid": f"{OWN},{RUNNING},{DEFINED}"})
    assert too_many.status_code == 400 and "at most 2" in too_many.content.decode()
    assert alice.post("/actions/jobs/explode/", {"pandaid": OWN}).status_code == 400


# --- reassign a job ------------------------------------------------------------------

def test_reassign_checks_what_the_server_does_not(jobs):
    alice = logged_in("alice")
    done = alice.post("/actions/jobs/reassign/?json", {"pandaid": DEFINED}).json()["results"][0]
    assert done["outcome"] == "done"
    assert json.loads(double_requests()[0]["body"]) == {"job_ids": [DEFINED]}
    double_forget()
    bobs = alice.post("/actions/jobs/reassign/?json", {"pandaid": BOBS}).json()["results"][0]
    running = alice.post("/actions/jobs/reassign/?json", {"pandaid": RUNNING}).json()["results"][0]
    assert bobs["outcome"] == running["outcome"] == "denied"
    assert double_requests() == []


# --- task actions --------------------------------------------------------------------

def test_owner_kills_finishes_and_retries_tasks(tasks):
    live, ended = tasks["live"]["jeditaskid"], tasks["ended"]["jeditaskid"]
    owner = logged_in("towner")
    page = owner.get(f"/task/{live}/").content.decode()
    assert f'href="/actions/task/{live}/kill/"' in page
    assert owner.get(f"/actions/task/{live}/finish/").status_code == 200
    response = owner.post(f"/actions/task/{live}/finish/", {"soft": "true"})
    assert "finish requested: command=finish is registered" in response.content.decode()
    assert json.loads(double_requests()[-1]["body"]) == {"task_id": live, "soft": True}
    response = owner.post(f"/actions/task/{live}/kill/?json")
    assert response.json()["results"][0]["outcome"] == "done"
    # Retry of a task that has not ended: the server answers code 4, shown as it is.
    response = owner.post(f"/actions/task/{live}/retry/?json", {"discard_events": "true"})
    result = response.json()["results"][0]
    assert result["outcome"] == "refused" and result["message"].startswith("wrong task status")
    assert json.loads(double_requests()[-1]["body"]) == {"task_id": live, "discard_events": True}
    assert list(Action.objects.filter(jeditaskid=live).values_list("action", "outcome").order_by("id")) == \
        [("task/finish", "done"), ("task/kill", "done"), ("task/retry", "refused")]
    assert "task/retry" in owner.get(f"/task/{live}/").content.decode()
    # Someone else's task: denied before the server is asked.
    double_forget()
    denied = owner.post(f"/actions/task/{ended}/retry/?json").json()["results"][0]
    assert denied["outcome"] == "denied" and "not your task" in denied["message"]
    assert double_requests() == []
    retried = logged_in("eowner").post(f"/actions/task/{ended}/retry/?json").json()["results"][0]
    assert retried["outcome"] == "done"


def test_task_reassign_and_its_options(tasks):
    live = tasks["live"]["jeditaskid"]
    owner = logged_in("towner")
    missing = owner.post(f"/actions/task/{live}/reassign/", {"mode": "soft"})
    assert missing.status_code == 400 and "site" in missing.content.decode()
    bad = owner.post(f"/actions/task/{live}/reassign/", {"site": "X", "mode": "hard"})
    assert bad.status_code == 400 and "mode" in bad.content.decode()
    done = owner.post(f"/actions/task/{live}/reassign/?json", {"site": "TEST_SITE", "mode": "soft"})
    assert done.json()["results"][0]["outcome"] == "done"
    assert json.loads(double_requests()[-1]["body"]) == {"task_id": live, "site": "TEST_SITE", "mode": "soft"}
    unknown = owner.post("/actions/task/999999999999/kill/?json").json()["results"][0]
    assert unknown["outcome"] == "denied" and "no such task" in unknown["message"]


# --- the double speaks the server's protocol -----------------------------------------

def test_double_protocol(double, issuer):
    url = f"{double.url}/api/v1/job/kill"
    token = oidc.id_token(issuer, "alice")
    auth = {"Authorization": f"Bearer {token}", "Origin": "atlas"}
    assert requests.get(url, headers={"Accept": "application/json"}, timeout=5).json()["message"] == \
        "expecting POST, received GET"
    no_accept = requests.post(url, json={"job_ids": [UNKNOWN]}, headers=auth, timeout=5)
    assert no_accept.text == "{'success': True, 'message': '', 'data': [False]}"
    form = requests.post(url, data={"job_ids": UNKNOWN}, headers={**auth, "Accept": "application/json"}, timeout=5)
    assert form.json()["message"] == "Type error: 'job_ids' must be of type list"
    anonymous = requests.post(url, json={"job_ids": [1]}, headers={"Accept": "application/json"}, timeout=5)
    assert anonymous.json() == {"success": False, "message": "SSL secure connection is required", "data": None}
    other_vo = requests.post(url, json={"job_ids": [1]}, timeout=5,
                             headers={**auth, "Origin": "othervo", "Accept": "application/json"})
    assert (other_vo.status_code, other_vo.text) == (403, "ERROR : Token authentication failed. Unknown vo : othervo")
    no_role = requests.post(url, json={"job_ids": [1]}, timeout=5,
                            headers={**auth, "Origin": "atlas:production", "Accept": "application/json"})
    assert no_role.text == "ERROR : Token authentication failed. Not a member of the atlas/production group"


def double_requests() -> list[dict]:
    return _double.requests()


def double_forget() -> None:
    _double.forget()


_double = None


@pytest.fixture(autouse=True)
def _remember_double(double):
    global _double
    _double = double


# --- scripts: personal API tokens and the CLI ----------------------------------------

def _token_of(sub: str, scopes: list[str]) -> str:
    from accounts.apitokens import issue
    from accounts.models import Identity

    logged_in(sub)  # the token acts with the login the monitor keeps for its owner
    return issue(Identity.objects.get(sub=sub).user, "script", scopes)


def test_api_token_is_stored_hashed_and_scoped(jobs, tasks):
    from accounts.models import ApiToken

    token = _token_of("alice", ["kill"])
    stored = ApiToken.objects.get()
    assert token not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    client = Client(enforce_csrf_checks=True)  # a token needs no CSRF token: it is no cookie
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    done = client.post("/api/actions/jobs/kill/", {"pandaids": [OWN]}, content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["results"][0]["outcome"] == "done"
    assert Action.objects.get(pandaid=OWN).via == "api-token"
    live = tasks["live"]["jeditaskid"]
    unscoped = client.post(f"/api/actions/task/{live}/retry/", {}, content_type="application/json", **auth)
    assert unscoped.status_code == 401 and "not scoped for 'retry'" in unscoped.json()["error"]
    ApiToken.objects.update(revoked="2026-01-01T00:00:00Z")
    revoked = client.post("/api/actions/jobs/kill/", {"pandaids": [RUNNING]}, content_type="application/json", **auth)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]
    assert row(Jobsactive4, RUNNING)["commandtopilot"] is None


def test_tokens_made_and_revoked_on_the_profile_page():
    from accounts.models import ApiToken

    alice = logged_in("alice")
    assert alice.post("/accounts/tokens/", {"name": "ci", "scopes": ["kill", "retry"]}).status_code == 302
    page = alice.get("/accounts/").content.decode()
    shown = page.split('id="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert shown.startswith("pmt_") and ApiToken.objects.get().scopes == ["kill", "retry"]
    assert shown not in alice.get("/accounts/").content.decode()  # shown once
    assert alice.post("/accounts/tokens/", {"name": "x", "scopes": ["drop-table"]}).status_code == 400
    assert alice.post(f"/accounts/tokens/{ApiToken.objects.get().pk}/revoke/").status_code == 302
    assert ApiToken.objects.get().revoked is not None


def test_cli_kill_retry_finish(capsys, live_server, monkeypatch, tmp_path, jobs, tasks):
    from cli.main import EXIT_REFUSED, EXIT_USAGE, main

    live, ended = tasks["live"]["jeditaskid"], tasks["ended"]["jeditaskid"]
    url = ["--url", live_server.url]
    monkeypatch.delenv("PANDAMON_TOKEN", raising=False)
    with pytest.raises(SystemExit) as no_token:
        main([*url, "kill", str(OWN)])
    assert no_token.value.code == EXIT_USAGE and "PANDAMON_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("PANDAMON_TOKEN", _token_of("alice", ["kill"]))
    assert main([*url, "kill", str(OWN), str(BOBS)]) == EXIT_REFUSED  # Bob's job: denied
    out = capsys.readouterr().out
    assert "done" in out and "not your job" in out
    assert row(Jobsarchived4, OWN)["jobstatus"] == "cancelled"
    token_file = tmp_path / "token"
    token_file.write_text(_token_of("towner", ["retry", "finish"]) + "\n")
    monkeypatch.delenv("PANDAMON_TOKEN")
    assert main([*url, "finish", str(live), "--soft", "--token-file", str(token_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["outcome"] == "done"
    assert json.loads(double_requests()[-1]["body"]) == {"task_id": live, "soft": True}
    assert main([*url, "retry", str(ended), "--discard-events", "--token-file", str(token_file)]) == EXIT_REFUSED
    assert "not your task" in capsys.readouterr().err


def test_cli_server_down(capsys, live_server, monkeypatch, settings, jobs):
    from cli.main import EXIT_SERVER, main

    settings.PANDA_SERVER_URL = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("PANDAMON_TOKEN", _token_of("alice", ["kill"]))
    assert main(["--url", live_server.url, "kill", str(OWN)]) == EXIT_SERVER
    assert "the PanDA server is down" in capsys.readouterr().err


def test_kill_from_a_job_list(jobs):
    alice = logged_in("alice")
    page = alice.get("/jobs/?produsername=Alice+Analyst&date_from=2026-01-10T00:00&date_to=2026-01-11T00:00")
    text = page.content.decode()
    link = text.split('id="kill-selection"><a class="button" href="')[1].split('"')[0]
    # Her live jobs of the page, not the ended one, nobody else's.
    listed = sorted(int(p) for p in link.split("pandaid=")[1].split(","))
    assert listed == sorted([OWN, RUNNING, DEFINED])
    confirm = alice.get(link)
    assert confirm.content.decode().count('name="pandaid"') == 3
    results = alice.post("/actions/jobs/kill/?json", {"pandaid": listed}).json()["results"]
    assert [r["outcome"] for r in results] == ["done"] * 3
    assert Action.objects.filter(outcome="done").count() == 3


def test_an_expired_login_is_never_relayed(jobs):
    """The stored ID token has expired and the provider's refresh gives no new ID token
    (oidc-provider-mock renews access tokens only): log in again, nothing sent."""
    import datetime as dt

    from accounts.models import OIDCTokens

    alice = logged_in("alice")
    OIDCTokens.objects.update(expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert OIDCTokens.objects.get().refresh_token  # a refresh was possible, and tried
    response = kill(alice, OWN)
    assert response.status_code == 401 and "log in again" in response.content.decode()
    assert double_requests() == [] and row(Jobsactive4, OWN)["jobstatus"] == "activated"
