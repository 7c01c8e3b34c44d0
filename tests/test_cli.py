"""The `pandamon` client against a live test server on the session data:
tables, --json, watch mode and every exit status."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import EXIT_REFUSED, EXIT_UNREACHABLE, EXIT_USAGE, main
from jobs.models import Jobsactive4, Jobsarchived4

pytestmark = pytest.mark.django_db(databases=["default", "panda"])
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def url(live_server):
    return live_server.url


@pytest.fixture
def jobs(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        failed = Jobsarchived4.objects.using("panda").filter(jobstatus="failed").exclude(piloterrorcode=0)
        running = Jobsactive4.objects.using("panda").filter(jobstatus="running")
        return {"failed": failed.order_by("pandaid").first(), "running": running.order_by("pandaid").first()}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_status_table(capsys, url, jobs):
    failed, running = jobs["failed"], jobs["running"]
    code, out, err = run(capsys, "--url", url, "status", str(failed.pandaid), str(running.pandaid))
    assert code == 0 and err == ""
    header, first, second = out.splitlines()
    assert header.split() == ["pandaid", "state", "jobstatus", "computingsite", "modificationtime", "errorinfo"]
    assert first.split()[:4] == [str(failed.pandaid), "failed", "failed", failed.computingsite]
    assert f"pilot:{failed.piloterrorcode}" in first
    assert second.split()[:3] == [str(running.pandaid), "running", "running"]
    assert header.index("state") == first.index("failed")  # aligned columns


def test_status_json_and_missing_ids(capsys, url, jobs):
    code, out, err = run(capsys, "--url", url, "status", str(jobs["running"].pandaid), "1", "--json")
    assert code == EXIT_REFUSED  # an unknown pandaid is an error for a script
    body = json.loads(out)
    assert body["missing"] == [1] and body["jobs"][0]["state"] == "running"


def test_watch_polls_until_count(capsys, url, jobs):
    code, out, _ = run(capsys, "--url", url, "status", str(jobs["running"].pandaid), "--watch", "1", "--count", "2")
    assert code == 0
    assert out.count("UTC\n") == 2 and out.count(str(jobs["running"].pandaid)) == 2


def test_watch_stops_when_every_job_has_ended(capsys, url, jobs):
    code, out, _ = run(capsys, "--url", url, "status", str(jobs["failed"].pandaid), "--watch", "1", "--count", "5")
    assert code == 0 and out.count("UTC\n") == 1


def test_jobs_with_filters(capsys, url, jobs):
    site = jobs["failed"].computingsite
    code, out, _ = run(capsys, "--url", url, "jobs", "jobstatus=failed", f"computingsite={site}", "days=10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["pandaid", "jobstatus", "computingsite"]
    assert all(line.split()[1:3] == ["failed", site] for line in lines[1:-1])
    assert str(jobs["failed"].pandaid) in out and "window" in lines[-1]


def test_job_and_its_log(capsys, url, jobs, log_root):
    pandaid = jobs["failed"].pandaid
    code, out, _ = run(capsys, "--url", url, "job", str(pandaid))
    assert code == 0
    assert out.splitlines()[0].split() == ["pandaid", str(pandaid)] and "failed" in out

    folder = min(p for p in Path(log_root).iterdir() if p.is_dir() and any(p.iterdir()))
    log = min(folder.iterdir())
    code = main(["--url", url, "job", folder.name, "--log", log.name])
    assert code == 0 and capsys.readouterr().out == log.read_text(errors="replace")


def test_user_errors_sites(capsys, url, jobs):
    user = jobs["failed"].produsername
    code, out, _ = run(capsys, "--url", url, "user", user, "days=10")
    assert code == 0 and "failed" in out and str(jobs["failed"].pandaid) in out
    code, out, _ = run(capsys, "--url", url, "errors", "days=10")
    assert code == 0 and f"pilot:{jobs['failed'].piloterrorcode}" in out
    code, out, _ = run(capsys, "--url", url, "sites", "--json")
    assert code == 0 and isinstance(json.loads(out), list)
    site = jobs["failed"].computingsite
    code, out, _ = run(capsys, "--url", url, "site", site, "days=10")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[0] == "atlas_site" and any(line.split() == ["siteid", site] for line in lines)
    assert "jobs by state: " in out and "failed " in out.split("jobs by state: ")[1]
    code, out, _ = run(capsys, "--url", url, "site", site, "--json")
    assert code == 0 and {"param": "siteid", "value": site} in json.loads(out)


def test_workers_and_shares(capsys, url, jobs):
    code, out, _ = run(capsys, "--url", url, "workers", "days=10", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["summary"]
    site = answer["summary"][0]
    code, out, _ = run(capsys, "--url", url, "workers", "days=10")
    line = next(row for row in out.splitlines() if row.split()[:1] == [site["computingsite"]])
    assert code == 0 and str(site["total"]) in line.split()
    code, out, _ = run(capsys, "--url", url, "shares")
    assert code == 0 and "MC Simulation" in out and "target_percent" in out
    code, _, err = run(capsys, "--url", url, "workers", "status=sleeping")
    assert code == EXIT_REFUSED and "worker states" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["jobs", "bogus=1"], "unknown parameter 'bogus'"),
    (["job", "1"], "HTTP 404"),
    (["errors", "hours=zero"], "hours must be an integer"),
])
def test_refused_requests_exit_1_with_the_server_message(capsys, url, argv, message):
    code, out, err = run(capsys, "--url", url, *argv)
    assert code == EXIT_REFUSED and out == ""
    assert message in err


def test_unreachable_server_exits_3(capsys):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = run(capsys, "--url", f"http://127.0.0.1:{port}", "sites")
    assert code == EXIT_UNREACHABLE
    assert "cannot reach the monitor" in err and "refused" in err.lower()


@pytest.mark.parametrize("argv", [["jobs", "nokey"], ["status"], ["status", "x"], ["status", "1", "--watch", "0"],
                                  ["frobnicate"]])
def test_usage_errors_exit_64(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == EXIT_USAGE


def test_command_line_entry_point_and_environment(url, jobs):
    env = {**os.environ, "PANDAMON_URL": url}
    result = subprocess.run([sys.executable, "-m", "cli.main", "status", str(jobs["running"].pandaid), "--json"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["jobs"][0]["pandaid"] == jobs["running"].pandaid
    script = Path(sys.executable).parent / "pandamon"
    assert script.exists(), "pip install -e . installs the console script"
    result = subprocess.run([str(script), "--url", url, "jobs", "bogus=1"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == EXIT_REFUSED and "bogus" in result.stderr
