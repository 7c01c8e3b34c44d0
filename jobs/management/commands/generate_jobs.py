"""manage.py generate_jobs: fill PanDA's tables with realistic, reproducible synthetic data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from jobs import archive
from jobs.synthetic.run import Options, generate
from pandamon import dbsession


def _timestamp(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now must look like 2026-11-23T12:00:00, not {value!r}") from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


class Command(BaseCommand):
    help = (
        "Generate synthetic PanDA jobs (tasks, jobs in every state and table, files, parameters, "
        "state history, pilot log records, queues, clouds) and log folders on disk. "
        "DELETES every existing row of PanDA's tables in the target database first (and the pandaid "
        "folders under the log root), so the same --seed and --now always give the same data. "
        "At most --log-cap jobs get a log folder."
    )

    requires_system_checks = []  # runs right after create_panda_schema, before anything is checked

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=20000, help="number of jobs (retries included)")
        parser.add_argument("--days", type=int, default=14, help="days of history before --now")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument("--now", default=None,
                            help="reference time, UTC, YYYY-MM-DDTHH:MM:SS (default: the current time)")
        parser.add_argument("--database", default="panda", help="database alias holding PanDA's tables")
        parser.add_argument("--log-root", dest="log_root", default=None,
                            help="folder for job logs (default: settings.PANDAMON_LOG_ROOT)")
        parser.add_argument("--archive-layout", dest="archive_layout", choices=archive.LAYOUTS, default=None,
                            help="partitioned (one jobsarchived table) or split (per-period tables); "
                                 "default: settings.PANDA_ARCHIVE_LAYOUT")
        parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT batch and commit")
        parser.add_argument("--log-cap", dest="log_cap", type=int, default=5000,
                            help="at most this many jobs get a log folder")
        parser.add_argument("--big-task", dest="big_task", type=int, default=0,
                            help="also plan one ATLAS production task of this many jobs (other tasks stay "
                                 "at most 800), e.g. to time the page of a 10,000-job task")
        parser.add_argument("--no-progress", dest="progress", action="store_false",
                            help="no progress bar")

    def handle(self, *args, **options):
        if options["jobs"] < 1 or options["days"] < 1 or options["batch"] < 1:
            raise CommandError("--jobs, --days and --batch must be positive")
        if options["big_task"] < 0:
            raise CommandError("--big-task must be 0 (none) or a number of jobs")
        now = _timestamp(options["now"]) if options["now"] else \
            dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        layout = options["archive_layout"] or settings.PANDA_ARCHIVE_LAYOUT
        if layout not in archive.LAYOUTS:
            raise CommandError(f"unknown archive layout {layout!r}; use one of {archive.LAYOUTS}")
        run = Options(
            jobs=options["jobs"], days=options["days"], seed=options["seed"], now=now,
            log_root=Path(options["log_root"] or settings.PANDAMON_LOG_ROOT),
            archive_layout=layout, fastbuffer_days=settings.PANDA_FASTBUFFER_DAYS,
            batch=options["batch"], log_cap=options["log_cap"], big_task=options["big_task"],
        )
        connection = connections[options["database"]]
        dbsession.allow_writes(connection)  # the demo/test data: written on purpose
        bar = None
        if options["progress"]:
            from tqdm import tqdm

            bar = tqdm(total=run.jobs, unit="job", disable=None)
        try:
            report = generate(connection, run, bar.update if bar else None)
        finally:
            if bar is not None:
                bar.close()
        if options["verbosity"] >= 1:
            states = ", ".join(f"{s}={n}" for s, n in sorted(report.states.items()))
            self.stdout.write(f"{sum(report.states.values())} jobs in {report.tasks} tasks at {now:%Y-%m-%d %H:%M:%S}"
                              f" UTC: {states}")
            for table, n in sorted(report.rows.items()):
                self.stdout.write(f"  {table}: {n} rows")
            self.stdout.write(f"  log folders: {report.log_folders} under {run.log_root}")
