"""One generator run: plan the tasks, then generate and write them one by one."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter as Tally
from dataclasses import dataclass, field
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from harvester import synthetic as harvester_synthetic
from harvester.models import HarvesterInstance, HarvesterRelJobsWorkers, HarvesterWorker, HarvesterWorkerStats
from jobs import archive
from jobs.models import JobsStatuslog, Pandalog
from jobs.models.job import Jobsactive4, Jobsarchived, Jobsarchived4, Jobsdefined4, Jobswaiting4
from jobs.synthetic import config, jedi, related
from jobs.synthetic.jobs import EPOCH, JobFactory, PandaIds, task_status
from jobs.synthetic.logs import LogWriter, clear
from jobs.synthetic.mysql import MySQLSender
from jobs.synthetic.related import COMPANION_MODELS, OPTIONAL_COMPANIONS
from jobs.synthetic.tasks import DAY, plan_tasks
from jobs.synthetic.writer import TableWriter, empty_tables, ensure_period_table, split_naming
from pandamon import introspection
from shares import synthetic as share_rows
from shares.models import GlobalShare, JediWorkQueue
from sites.models import Cloudconfig, PandaSite, Schedconfig, SchedconfigJson, Site
from tasks.models import (
    JediDataset,
    JediDatasetContent,
    JediJobRetryHistory,
    JediTask,
    JediTaskparams,
    TasksStatuslog,
)

LIVE_MODELS = {"defined4": Jobsdefined4, "waiting4": Jobswaiting4, "active4": Jobsactive4,
               "archived4": Jobsarchived4}


@dataclass
class Options:
    jobs: int
    days: int
    seed: int
    now: dt.datetime  # naive UTC
    log_root: Path
    archive_layout: str = "partitioned"
    fastbuffer_days: int = 3
    batch: int = 2000
    log_cap: int = 5000
    big_task: int = 0  # jobs of one extra-large task (0: none)


@dataclass
class Report:
    rows: Tally = field(default_factory=Tally)  # table -> rows written
    states: Tally = field(default_factory=Tally)  # jobstatus -> jobs
    log_folders: int = 0
    tasks: int = 0
    emptied: list[str] = field(default_factory=list)


def generate(connection: BaseDatabaseWrapper, options: Options, progress=None) -> Report:
    """Fill PanDA's tables on `connection` from scratch. `progress(n)` is called
    with the number of jobs written after each task."""
    now = (options.now - EPOCH).total_seconds()
    rng = random.Random(options.seed)
    report = Report()
    report.emptied = empty_tables(connection)
    clear(options.log_root)

    sender = MySQLSender(connection) if connection.vendor == "mysql" else None

    def writer(model, table=None):
        return TableWriter(connection, model, options.batch, table, sender)

    writers = {key: writer(model) for key, model in LIVE_MODELS.items()}
    naming = split_naming(connection) if options.archive_layout == "split" else None
    period_writers: dict[str, TableWriter] = {}
    archive_writer = writer(Jobsarchived) if naming is None else None
    # The companions this database has (older layouts lack metatable, the *_arch tables, jobsdebug).
    companions = {m: writer(m) for m in COMPANION_MODELS
                  if m not in OPTIONAL_COMPANIONS or introspection.has_table(m, connection.alias, fresh=True)}
    statuslog, pandalog, tasks_out = writer(JobsStatuslog), writer(Pandalog), writer(JediTask)
    # Older layouts may lack it; the retries are then only in the jobs' parentid.
    retries = writer(JediJobRetryHistory) if introspection.has_table(JediJobRetryHistory, connection.alias,
                                                                   fresh=True) else None
    # JEDI's datasets, files, parameters and history, where the database has those tables.
    jedi_writers = {m: writer(m) for m in (JediDataset, JediDatasetContent, JediTaskparams, TasksStatuslog)
                    if introspection.has_table(m, connection.alias, fresh=True)}
    # Harvester's instances, workers and links, where the database has those tables.
    harvester_writers = {m: writer(m) for m in (HarvesterInstance, HarvesterWorker, HarvesterRelJobsWorkers,
                                               HarvesterWorkerStats)
                         if introspection.has_table(m, connection.alias, fresh=True)}
    workers = harvester_synthetic.Workers(options.seed, now)
    unused_ids = [jedi.UNUSED_FILEID_BASE]
    last_task_of: dict[str, int] = {}  # username -> their latest task so far (a parent for the next)

    now_dt = options.now
    queue_writers = []
    for model, rows in queue_tables(connection):
        queue_writers.append(writer(model))
        queue_writers[-1].add_many(rows(now_dt))

    tasks = plan_tasks(rng, options.jobs, now, options.days, options.big_task)
    per_minute = max(1000, 10 ** len(str(options.jobs // max(1, options.days * 1440) * 50)))
    ids = PandaIds(now - (options.days + 2) * DAY, per_minute)
    factory = JobFactory(rng, now, options.fastbuffer_days, ids, pins=max(2, options.jobs // 5000))
    logs = LogWriter(options.log_root, options.seed, now, options.jobs, options.log_cap)
    row_ids = related.Counter(1_200_000_000)
    log_ids = related.PandalogIds()

    for task in tasks:
        jobs = factory.task_jobs(task)
        status, progress_pct, failurerate = task_status(jobs)
        task_files = jedi.TaskFiles(task)
        origin: dict[int, int] = {}  # pandaid -> the task's first attempt of that input
        for job in jobs:
            row = job.row
            report.states[row["jobstatus"]] += 1
            origin[row["pandaid"]] = origin.get(row["parentid"], row["pandaid"])
            if retries is not None:
                retries.add_many(related.retry_history(job, origin[row["pandaid"]]))
            for table in job.tables:
                if table != "archive":
                    writers[table].add(row)
                elif archive_writer is not None:
                    archive_writer.add(row)
                else:
                    name = archive.period_of(row["modificationtime"], naming).table
                    if name not in period_writers:
                        period_writers[name] = writer(ensure_period_table(connection, name))
                    period_writers[name].add(row)
            file_rows = related.files(rng, job, task, row_ids)
            task_files.add(job, file_rows)
            param_row = related.jobparams(rng, job, task)
            for model, rows in related.companions(job, task, file_rows, param_row, set(companions)).items():
                companions[model].add_many(rows)
            statuslog.add_many(related.statuslog(job))
            pandalog.add_many(related.pandalog(rng, job, log_ids))
            logs.offer(job)
            if HarvesterWorker in harvester_writers:
                worker_rows, links = workers.of_job(job)
                harvester_writers[HarvesterWorker].add_many(worker_rows)
                if HarvesterRelJobsWorkers in harvester_writers:
                    harvester_writers[HarvesterRelJobsWorkers].add_many(links)
        extra = jedi.jedi_rows(task, task_files, jobs, status, unused_ids, last_task_of.get(task.username))
        last_task_of[task.username] = task.jeditaskid
        tasks_out.add(related.task_row(task, jobs, extra, progress_pct, failurerate))
        for model, rows in ((JediDataset, extra.datasets), (JediDatasetContent, extra.contents),
                            (JediTaskparams, [extra.taskparams]), (TasksStatuslog, extra.statuslog)):
            if model in jedi_writers:
                jedi_writers[model].add_many(rows)
        if progress is not None:
            progress(len(jobs))

    if HarvesterInstance in harvester_writers:
        harvester_writers[HarvesterInstance].add_many(harvester_synthetic.instance_rows(now_dt))
    if HarvesterWorkerStats in harvester_writers:
        harvester_writers[HarvesterWorkerStats].add_many(workers.stats_rows(now_dt))
    for model, rows in ((GlobalShare, share_rows.global_share_rows), (JediWorkQueue, share_rows.work_queue_rows)):
        if introspection.has_table(model, connection.alias, fresh=True):
            harvester_writers[model] = writer(model)
            harvester_writers[model].add_many(rows())
    every = [*writers.values(), *harvester_writers.values(),
             *period_writers.values(), *companions.values(), statuslog, pandalog, tasks_out,
             *queue_writers, *jedi_writers.values()]
    if archive_writer is not None:
        every.append(archive_writer)
    if retries is not None:
        every.append(retries)
    for w in every:
        w.flush()
        report.rows[w.table] += w.written
    if sender is not None:
        sender.close()
    report.log_folders = logs.written
    report.tasks = len(tasks)
    return report


def queue_tables(connection: BaseDatabaseWrapper) -> list:
    """(model, rows(now)) for each queue table the database has, asked afresh: current
    PanDA's schedconfig_json/site/panda_site, the legacy schedconfig/cloudconfig, or
    both. The same catalogue queues in each."""
    tables = ((SchedconfigJson, config.schedconfig_json_rows), (Site, config.site_rows),
              (PandaSite, config.panda_site_rows), (Schedconfig, config.schedconfig_rows),
              (Cloudconfig, config.cloudconfig_rows))
    return [(model, rows) for model, rows in tables
            if introspection.has_table(model, connection.alias, fresh=True)]
