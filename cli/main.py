"""`pandamon`: ask the monitor from a terminal or a script.

    pandamon status 4616591000 4616792000          # coarse state, jobstatus, site, errors
    pandamon status --watch 60 $(cat ids.txt)       # re-poll until every job has ended
    pandamon jobs jobstatus=failed computingsite='ANALY_*' hours=6
    pandamon job 4616591000 [--log pilotlog.txt]
    pandamon user alice | pandamon errors hours=24 | pandamon sites cloud=US | pandamon site AGLT2
    pandamon workers computingsite=AGLT2 hours=6   # Harvester workers by queue and state
    pandamon shares                                 # global shares: target, running and queued now
    pandamon --json ...                             # the monitor's JSON, unchanged
    pandamon kill 4616591000 4616792000             # through the PanDA server, as you:
    pandamon retry 29000557 [--discard-events]      #   a personal API token from /accounts/ in
    pandamon finish 29000557 [--soft]               #   $PANDAMON_TOKEN or --token-file FILE

Exit status: 0 fine; 1 the monitor refused the request (HTTP 4xx, e.g. a bad
filter or an unknown job) or, for `status`, some ids are unknown, or, for
`kill`/`retry`/`finish`, an action was refused (by the PanDA server or the
monitor) or the token was not accepted; 2 the monitor failed (HTTP 5xx: for the
actions also the PanDA server down or not configured); 3 the monitor cannot be
reached; 64 wrong usage (also: an action without a token).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from urllib.parse import quote

from cli import tables
from cli.client import ApiError, Client, Unreachable

DEFAULT_URL = "http://127.0.0.1:8000"
EXIT_REFUSED, EXIT_SERVER, EXIT_UNREACHABLE, EXIT_USAGE = 1, 2, 3, 64
FINAL_STATES = frozenset({"done", "failed", "cancelled"})  # api.status.FINAL_STATES, without importing Django

STATUS_COLUMNS = ("pandaid", "state", "jobstatus", "computingsite", "modificationtime", "errorinfo")
JOB_COLUMNS = ("pandaid", "jobstatus", "computingsite", "produsername", "jeditaskid", "attemptnr",
               "modificationtime")
# errsByCount: `codename` is BigPanDA's (the code's job column); the code's name is `title`.
ERROR_COLUMNS = ("count", "error", "title", "codename", "diag", "example_pandaid")
SITE_STATES = ("activated", "running", "finished", "failed")
WORKER_STATES = ("submitted", "running", "finished", "failed", "cancelled", "missed")
SHARE_COLUMNS = ("share", "target_percent", "executing_jobs", "queued_jobs", "executing_cores", "used_percent")


class Parser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def filters(items: Sequence[str]) -> dict[str, str]:
    """key=value words → query parameters (a key given twice is a 400 from the monitor, not here)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise argparse.ArgumentTypeError(f"filters are key=value (e.g. jobstatus=failed), got '{item}'")
        out[key] = value
    return out


# --- commands: each prints its answer and returns the exit status ---------------------


def cmd_status(client: Client, args) -> int:
    polls = 0
    while True:
        answer = client.post_json("/api/jobs/status/", {"pandaids": args.ids})
        polls += 1
        if args.json:
            emit(json.dumps(answer))
        else:
            if args.watch:
                emit(time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
            emit(tables.table(answer["jobs"], STATUS_COLUMNS))
            if answer["missing"]:
                print("unknown pandaid(s): " + " ".join(map(str, answer["missing"])), file=sys.stderr)
        ended = all(job["state"] in FINAL_STATES for job in answer["jobs"])
        if not args.watch or ended or (args.count and polls >= args.count):
            return EXIT_REFUSED if answer["missing"] else 0
        time.sleep(args.watch)


def cmd_jobs(client: Client, args) -> int:
    query = {"outputs": "jobs,truncated,window", **args.filters}
    answer = client.get_json("/jobs/", query)
    if args.json:
        return emit(json.dumps(answer))
    emit(tables.table(answer["jobs"], JOB_COLUMNS))
    footer = f"{len(answer['jobs'])} jobs, window {answer['window']['from']} → {answer['window']['to']} UTC"
    if answer.get("truncated"):
        footer += " (truncated: raise limit= or narrow the filters)"
    return emit(footer)


def cmd_job(client: Client, args) -> int:
    if args.log:
        text = client.get_text(f"/job/{args.pandaid}/log/{quote(args.log)}", {"raw": ""})
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
        return 0
    answer = client.get_json(f"/job/{args.pandaid}/")
    if args.json:
        return emit(json.dumps(answer))
    job = answer["job"]
    emit(tables.pairs((k, v) for k, v in job.items() if v not in (None, "", 0) or k == "pandaid"))
    if answer.get("files"):
        emit("\nfiles:\n" + tables.table(answer["files"], ("type", "lfn", "fsize", "status")))
    if answer.get("logs"):
        names = [log.get("name", "") for log in answer["logs"]]
        emit(f"\nlogs (pandamon job {job['pandaid']} --log NAME): " + ", ".join(names))
    return 0


def cmd_user(client: Client, args) -> int:
    answer = client.get_json(f"/user/{quote(args.name, safe='')}/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    states = answer.get("states") or {}
    if isinstance(states, dict):
        emit(tables.pairs(states.items()))
    return emit("\n" + tables.table(answer.get("jobs") or [], JOB_COLUMNS))


TASK_COLUMNS = ("jeditaskid", "status", "username", "nfiles", "pctfinished", "pctfailed", "taskname")
FAILED_FILE_COLUMNS = ("lfn", "status", "attemptnr", "failedattempt", "pandaid")


def cmd_tasks(client: Client, args) -> int:
    answer = client.get_json("/tasks/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    return emit(tables.table(answer, TASK_COLUMNS))


def cmd_task(client: Client, args) -> int:
    answer = client.get_json(f"/task/{args.jeditaskid}/")
    if args.json:
        return emit(json.dumps(answer))
    task = answer["task"]
    info = task.get("dsinfo") or {}
    emit(tables.pairs([("jeditaskid", task["jeditaskid"]), ("taskname", task.get("taskname")),
                       ("status", task.get("status")), ("username", task.get("username")),
                       ("input files", info.get("nfiles")), ("finished", f"{info.get('nfilesfinished')} "
                                                               f"({info.get('pctfinished')}%)"),
                       ("failed", f"{info.get('nfilesfailed')} ({info.get('pctfailed')}%)"),
                       ("jobs by state", ", ".join(f"{k} {v}" for k, v in answer.get("states", {}).items()))]))
    if answer.get("failedfiles"):
        emit("\nfailed files:\n" + tables.table(answer["failedfiles"], FAILED_FILE_COLUMNS))
    return 0


def cmd_errors(client: Client, args) -> int:
    answer = client.get_json("/errors/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    return emit(tables.table(answer["errsByCount"], ERROR_COLUMNS))


def cmd_sites(client: Client, args) -> int:
    answer = client.get_json("/sites/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    rows = [{**site, **{s: site["states"].get(s, 0) for s in SITE_STATES}} for site in answer]
    return emit(tables.table(rows, ("nickname", "cloud", "status", *SITE_STATES)))


def cmd_workers(client: Client, args) -> int:
    answer = client.get_json("/harvester/workers/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    if answer.get("missing"):
        return emit("this database has no Harvester tables: " + ", ".join(answer["missing"]))
    rows = [{**e, **{s: e["states"].get(s, 0) for s in WORKER_STATES}} for e in answer["summary"]]
    return emit(tables.table(rows, ("computingsite", "total", *WORKER_STATES)))


def cmd_shares(client: Client, args) -> int:
    answer = client.get_json("/globalshares/", args.filters)
    if args.json:
        return emit(json.dumps(answer))
    if answer.get("missing"):
        return emit("this database has no global shares: " + ", ".join(answer["missing"]))
    rows = [{**s, "share": "  " * s["level"] + s["name"]} for s in answer["shares"]]
    return emit(tables.table(rows, SHARE_COLUMNS))


def cmd_site(client: Client, args) -> int:
    """One queue: its configuration (BigPanDA's {param, value} list) and, with the window, its jobs by state."""
    name = quote(args.name, safe="")
    pairs = client.get_json(f"/site/{name}/", args.filters)
    if args.json:
        return emit(json.dumps(pairs))
    emit(tables.pairs((p["param"], p["value"]) for p in pairs))
    states = client.get_json(f"/site/{name}/", {**args.filters, "outputs": "states"})["states"]
    return emit("\njobs by state: " + (", ".join(f"{k} {v}" for k, v in states.items()) or "none in the window"))


ACTION_COLUMNS = ("pandaid", "jeditaskid", "outcome", "message")
RETRY_FLAGS = ("no_child_retry", "discard_events", "disable_staging_mode", "keep_gshare_priority",
               "ignore_hard_exhausted")


def _acted(answer: dict, args) -> int:
    if args.json:
        emit(json.dumps(answer))
    else:
        columns = [c for c in ACTION_COLUMNS if any(c in r for r in answer["results"])]
        emit(tables.table(answer["results"], columns))
    return 0 if all(r["outcome"] == "done" for r in answer["results"]) else EXIT_REFUSED


def cmd_kill(client: Client, args) -> int:
    return _acted(client.post_json("/api/actions/jobs/kill/", {"pandaids": args.ids}), args)


def cmd_retry(client: Client, args) -> int:
    options = {flag: True for flag in RETRY_FLAGS if getattr(args, flag)}
    return _acted(client.post_json(f"/api/actions/task/{args.jeditaskid}/retry/", options), args)


def cmd_finish(client: Client, args) -> int:
    options = {"soft": True} if args.soft else {}
    return _acted(client.post_json(f"/api/actions/task/{args.jeditaskid}/finish/", options), args)


def read_token(path: str | None) -> str | None:
    """The API token: --token-file, else $PANDAMON_TOKEN, else $PANDAMON_TOKEN_FILE."""
    path = path or (None if os.environ.get("PANDAMON_TOKEN") else os.environ.get("PANDAMON_TOKEN_FILE"))
    if path:
        with open(path) as f:
            return f.read().strip() or None
    return os.environ.get("PANDAMON_TOKEN", "").strip() or None


def emit(text: str) -> int:
    print(text)
    return 0


# --- arguments ----------------------------------------------------------------------


def _common_options(parser: argparse.ArgumentParser, url, as_json) -> None:
    parser.add_argument("--url", default=url, help=f"monitor base URL (default: $PANDAMON_URL or {DEFAULT_URL})")
    parser.add_argument("--json", action="store_true", default=as_json,
                        help="print the monitor's JSON instead of a table")


def build_parser() -> Parser:
    parser = Parser(prog="pandamon", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common_options(parser, os.environ.get("PANDAMON_URL", DEFAULT_URL), False)
    # The options may also follow the command; there they must not reset what was given before it.
    common = Parser(add_help=False)
    _common_options(common, argparse.SUPPRESS, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    status = commands.add_parser("status", parents=[common], help="coarse state of jobs by pandaid")
    status.add_argument("ids", nargs="+", type=int, metavar="PANDAID")
    status.add_argument("--watch", type=int, metavar="N", help="re-poll every N seconds until every job has ended")
    status.add_argument("--count", type=int, metavar="K", help="with --watch: at most K polls")
    status.set_defaults(run=cmd_status)

    for name, run, text in (("jobs", cmd_jobs, "jobs matching filters, e.g. jobstatus=failed hours=6"),
                            ("errors", cmd_errors, "error summary, e.g. computingsite=AGLT2 hours=24"),
                            ("sites", cmd_sites, "queues with job counts, e.g. cloud=US"),
                            ("tasks", cmd_tasks, "tasks with their progress, e.g. taskname=user.alice.* days=7"),
                            ("workers", cmd_workers, "Harvester workers by queue and state, e.g. status=failed"),
                            ("shares", cmd_shares, "global shares with the jobs running and queued now")):
        command = commands.add_parser(name, parents=[common], help=text)
        command.add_argument("filters", nargs="*", metavar="KEY=VALUE")
        command.set_defaults(run=run)

    job = commands.add_parser("job", parents=[common], help="one job's fields, files and logs")
    job.add_argument("pandaid", type=int)
    job.add_argument("--log", metavar="NAME", help="print this log file of the job instead")
    job.set_defaults(run=cmd_job)

    task = commands.add_parser("task", parents=[common], help="one task's progress and failed files")
    task.add_argument("jeditaskid", type=int)
    task.set_defaults(run=cmd_task)

    site = commands.add_parser("site", parents=[common], help="one queue's configuration and jobs by state")
    site.add_argument("name")
    site.add_argument("filters", nargs="*", metavar="KEY=VALUE")
    site.set_defaults(run=cmd_site)

    user = commands.add_parser("user", parents=[common], help="one user's job states and jobs")
    user.add_argument("name")
    user.add_argument("filters", nargs="*", metavar="KEY=VALUE")
    user.set_defaults(run=cmd_user)

    kill = commands.add_parser("kill", parents=[common], help="kill jobs through the PanDA server (needs a token)")
    kill.add_argument("ids", nargs="+", type=int, metavar="PANDAID")
    kill.set_defaults(run=cmd_kill, acts=True)
    retry = commands.add_parser("retry", parents=[common], help="retry a task (needs a token)")
    retry.add_argument("jeditaskid", type=int)
    for flag in RETRY_FLAGS:
        retry.add_argument("--" + flag.replace("_", "-"), dest=flag, action="store_true")
    retry.set_defaults(run=cmd_retry, acts=True)
    finish = commands.add_parser("finish", parents=[common], help="finish a task (needs a token)")
    finish.add_argument("jeditaskid", type=int)
    finish.add_argument("--soft", action="store_true", help="let the running jobs end")
    finish.set_defaults(run=cmd_finish, acts=True)
    for command in (kill, retry, finish):
        command.add_argument("--token-file", metavar="FILE", help="file holding the API token")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "status" and ((args.watch is not None and args.watch < 1) or
                                     (args.count is not None and args.count < 1)):
        parser.error("--watch and --count take a positive number")
    try:
        args.filters = filters(getattr(args, "filters", []))
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    token = None
    if getattr(args, "acts", False):
        try:
            token = read_token(args.token_file)
        except OSError as exc:
            parser.error(f"cannot read the token file: {exc}")
        if token is None:
            parser.error("an action needs a personal API token (make one at /accounts/): "
                         "set PANDAMON_TOKEN or give --token-file")
    client = Client(args.url, token=token)
    try:
        return args.run(client, args)
    except ApiError as exc:
        print(f"pandamon: {exc.message} (HTTP {exc.status})", file=sys.stderr)
        return EXIT_SERVER if exc.status >= 500 else EXIT_REFUSED
    except Unreachable as exc:
        print(f"pandamon: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `pandamon jobs | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
