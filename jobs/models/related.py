"""Rows that hang off a job or a task: files, parameters, state history, pilot log
extracts, and JEDI's task table (fact sheet §7)."""

from __future__ import annotations

from django.db import models

from jobs.models.columns import clob, date, number, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table


class Filestable4(PandaModel):
    row_id = models.BigIntegerField(primary_key=True)
    pandaid = number(11, null=False)
    modificationtime = date(null=False)
    guid = varchar(64)
    lfn = varchar(256)
    type = varchar(20)  # input, output, log (also pseudo_input, lib)
    dataset = varchar(255)
    status = varchar(64)
    proddblock = varchar(255)
    proddblocktoken = varchar(250)
    dispatchdblock = varchar(255)
    dispatchdblocktoken = varchar(250)
    destinationdblock = varchar(255)
    destinationdblocktoken = varchar(250)
    destinationse = varchar(250)
    fsize = number(11, null=False, default=0)
    md5sum = varchar(36)
    checksum = varchar(36)
    scope = varchar(30)
    jeditaskid = number(11)
    datasetid = number(11)
    fileid = number(11)
    attemptnr = number(3)

    class Meta(PandaModel.Meta):
        db_table = panda_table("filestable4")
        indexes = [
            # all files of one job (job page)
            models.Index(fields=["pandaid"], name="filestable4_pandaid"),
            models.Index(fields=["lfn"], name="filestable4_lfn"),
        ]


class Jobparamstable(PandaModel):
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = number(11, null=False)
    modificationtime = date(null=False)
    jobparameters = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobparamstable")


class JobsStatuslog(PandaModel):
    """One row per state transition of a job. PanDA gives it no key (and the DDL
    none); Django needs one to map rows, so one is named here for reads only."""

    pk = models.CompositePrimaryKey("pandaid", "modificationtime", "jobstatus")
    pandaid = number(11, null=False)
    modificationtime = date(null=False)
    jobstatus = varchar(15, null=False)
    prodsourcelabel = varchar(20)
    cloud = varchar(50)
    computingsite = varchar(128)
    modificationhost = varchar(128)
    # Sub-second time of the transition; nullable in PanDA (older rows, some writers).
    modiftime_extended = date()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobs_statuslog")
        indexes = [
            # state history of one job
            models.Index(fields=["pandaid"], name="jobs_statuslog_pandaid"),
        ]


class Pandalog(PandaModel):
    """Log records the server and pilots send to panda.mon.* loggers. No key in
    PanDA; (bintime, pid, line) stands in for one so Django can map the rows."""

    pk = models.CompositePrimaryKey("bintime", "pid", "line", "time")
    bintime = date(null=False)
    name = varchar(30)
    module = varchar(30)
    loguser = varchar(80)
    type = varchar(20)
    pid = number(11, null=False, default=0)
    loglevel = number(9, null=False, default=0)
    levelname = varchar(30)
    time = varchar(30, null=False, default="")
    filename = varchar(100)
    line = number(9, null=False, default=0)
    message = varchar(4000)

    class Meta(PandaModel.Meta):
        db_table = panda_table("pandalog")
        indexes = [
            models.Index(fields=["bintime", "type"], name="pandalog_bintime_type"),
            models.Index(fields=["type", "name", "bintime"], name="pandalog_type_name"),
        ]


class JediTask(PandaModel):
    jeditaskid = models.BigIntegerField(primary_key=True)
    taskname = varchar(256)
    status = varchar(64, null=False)
    username = varchar(128, null=False)
    creationdate = date(null=False)
    modificationtime = date(null=False)
    starttime = date()
    endtime = date()
    statechangetime = date()
    reqid = number(9)
    prodsourcelabel = varchar(20)
    workinggroup = varchar(32)
    vo = varchar(16)
    corecount = number(3)
    tasktype = varchar(64)
    processingtype = varchar(64)
    taskpriority = number(5)
    currentpriority = number(5)
    architecture = varchar(256)
    transuses = varchar(64)
    transhome = varchar(128)
    transpath = varchar(128)
    cloud = varchar(10)
    site = varchar(4000)
    nucleus = varchar(52)
    campaign = varchar(72)
    gshare = varchar(32)
    workqueue_id = number(5)
    progress = number(3)
    failurerate = number(3)
    errordialog = varchar(255)
    parent_tid = number(11)
    eventservice = number(1)
    superstatus = varchar(64)
    ramcount = number(10)
    ramunit = varchar(32)
    walltime = number(10)
    walltimeunit = varchar(32)
    resource_type = varchar(56)
    container_name = varchar(200)
    attemptnr = number(5)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_tasks")
        indexes = [
            models.Index(fields=["username", "status"], name="jedi_tasks_user_st"),
            models.Index(fields=["modificationtime"], name="jedi_tasks_modtime"),
        ]
