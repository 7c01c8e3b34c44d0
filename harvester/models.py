"""Harvester's tables: instances, their workers (pilots), the job-worker links and
per-queue worker counts (panda-schema-jedi.md §6). Read-only, as every PanDA table."""

from __future__ import annotations

from django.db import models

from jobs.models.columns import date, number, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

INT, BIG = 9, 11  # number() precisions giving PostgreSQL's integer / bigint


class HarvesterInstance(PandaModel):
    harvester_id = models.CharField(max_length=50, primary_key=True)  # the instance name
    description = varchar(200)
    starttime = date()
    owner = varchar(100)
    hostname = varchar(100)
    lastupdate = date()  # heartbeat
    sw_version = varchar(50)
    commit_stamp = varchar(100)

    class Meta(PandaModel.Meta):
        db_table = panda_table("harvester_instances")


class HarvesterWorker(PandaModel):
    """One row per worker. PostgreSQL's key has lastupdate, its partition key, in it
    (Oracle's is (harvesterid, workerid))."""

    pk = models.CompositePrimaryKey("harvesterid", "workerid", "lastupdate")
    harvesterid = varchar(50, null=False)
    workerid = number(BIG, null=False)
    lastupdate = date(null=False)
    status = varchar(80, null=False)
    batchid = varchar(80)
    nodeid = varchar(80)
    queuename = varchar(80)
    computingsite = varchar(128)
    submittime = date()
    starttime = date()
    endtime = date()
    ncore = number(INT)
    errorcode = number(INT)
    stdout = varchar(250)
    stderr = varchar(250)
    batchlog = varchar(250)
    resourcetype = varchar(56)
    nativeexitcode = number(INT)
    nativestatus = varchar(80)
    diagmessage = varchar(500)
    computingelement = varchar(128)
    njobs = number(INT)
    submissionhost = varchar(128)
    harvesterhost = varchar(128)
    jdl = varchar(250)
    jobtype = varchar(52)
    pilotstarttime = date()
    pilotendtime = date()
    pilotstatus = varchar(80)
    pilotstatussynctime = date()
    minramcount = number(INT)

    class Meta(PandaModel.Meta):
        db_table = panda_table("harvester_workers")
        indexes = [
            models.Index(fields=["computingsite"], name="harvester_workers_site"),
            models.Index(fields=["status", "pilotstatus"], name="harvester_workers_status"),
            models.Index(fields=["harvesterid", "submittime"], name="harvester_workers_harv_subm"),
            models.Index(fields=["lastupdate"], name="harvester_workers_lastupd"),
            models.Index(fields=["submittime"], name="harvester_workers_submtime"),
        ]


class HarvesterRelJobsWorkers(PandaModel):
    """Job <-> worker links, many to many (a job's retried workers, a worker's jobs)."""

    pk = models.CompositePrimaryKey("harvesterid", "workerid", "pandaid")
    harvesterid = varchar(50, null=False)
    workerid = number(BIG, null=False)
    pandaid = number(BIG, null=False)
    lastupdate = date(null=False)

    class Meta(PandaModel.Meta):
        db_table = panda_table("harvester_rel_jobs_workers")
        indexes = [
            models.Index(fields=["pandaid"], name="harvester_rel_pandaid"),
            models.Index(fields=["lastupdate"], name="harvester_rel_lastupd"),
        ]


class HarvesterWorkerStats(PandaModel):
    pk = models.CompositePrimaryKey("harvester_id", "computingsite", "resourcetype", "status", "jobtype")
    harvester_id = varchar(50, null=False)
    computingsite = varchar(128, null=False)
    resourcetype = varchar(56, null=False)
    status = varchar(80, null=False)
    jobtype = varchar(52, null=False)
    n_workers = number(INT)
    lastupdate = date(null=False)

    class Meta(PandaModel.Meta):
        db_table = panda_table("harvester_worker_stats")
