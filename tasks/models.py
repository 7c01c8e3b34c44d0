"""JEDI's task tables: tasks, their datasets and files, parameters, state history and
job retries (panda-schema-jedi.md §4, §8.x).

Columns follow PanDA's PostgreSQL DDL (bigint / integer / smallint picked with
number()'s precision); Oracle widths that differ are listed in §1.2 of the sheet.
Models of tables PanDA gives no primary key carry `panda_no_primary_key = True`:
the declared key only lets Django map rows, the schema builder creates none.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Upper

from jobs.models.columns import UtcNow, char, clob, date, decimal, number, timestamp, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

# number() precisions that give PostgreSQL's types: smallint, integer, bigint.
SMALL, INT, BIG = 4, 9, 11


class JediTask(PandaModel):
    jeditaskid = models.BigIntegerField(primary_key=True)
    taskname = varchar(256)
    status = varchar(64, null=False)
    username = varchar(128, null=False)
    creationdate = date(null=False)
    modificationtime = date(null=False)
    reqid = number(INT)
    oldstatus = varchar(64)
    cloud = varchar(10)
    site = varchar(60)
    starttime = date()
    endtime = date()
    frozentime = date()
    prodsourcelabel = varchar(20)
    workinggroup = varchar(32)
    vo = varchar(32)
    corecount = number(INT)
    tasktype = varchar(64)
    processingtype = varchar(64)
    taskpriority = number(INT)
    currentpriority = number(INT)
    architecture = varchar(256)
    transuses = varchar(64)
    transhome = varchar(128)
    transpath = varchar(128)
    lockedby = varchar(56)
    lockedtime = date()
    termcondition = varchar(100)
    splitrule = varchar(200)
    walltime = number(INT)
    walltimeunit = varchar(32)
    outdiskcount = number(INT)
    outdiskunit = varchar(32)
    workdiskcount = number(INT)
    workdiskunit = varchar(32)
    ramcount = number(INT)
    ramunit = varchar(32)
    iointensity = number(INT)
    iointensityunit = varchar(32)
    workqueue_id = number(INT)
    progress = number(SMALL)
    failurerate = number(SMALL)
    errordialog = varchar(510)
    countrygroup = varchar(20)
    parent_tid = number(BIG)
    eventservice = number(SMALL)
    ticketid = varchar(50)
    ticketsystemtype = varchar(32)
    statechangetime = date()
    superstatus = varchar(64)
    campaign = varchar(32)
    mergeramcount = number(INT)
    mergeramunit = varchar(32)
    mergewalltime = number(INT)
    mergewalltimeunit = varchar(32)
    throttledtime = date()
    numthrottled = number(SMALL)
    mergecorecount = number(INT)
    goal = number(SMALL)
    assessmenttime = date()
    cputime = number(INT)
    cputimeunit = varchar(32)
    cpuefficiency = number(SMALL)
    basewalltime = number(INT)
    amiflag_old = varchar(10)
    amiflag = number(INT, default=1)
    nucleus = varchar(52)
    baseramcount = number(INT)
    ttcrequested = date()
    ttcpredicted = date()
    ttcpredictiondate = date()
    rescuetime = date()
    requesttype = varchar(32)
    gshare = varchar(32)
    usejumbo = char(1)
    resource_type = varchar(56)
    diskio = number(INT)
    diskiounit = varchar(32)
    memory_leak_core = number(BIG)
    memory_leak_x2 = decimal(14, 3)
    attemptnr = number(SMALL)
    container_name = varchar(200)
    job_label = varchar(20)
    # Set by a trigger on INSERT and whenever modificationtime changes (§3).
    realmodificationtime = date()
    framework = varchar(50)
    activatedtime = date()
    queuedtime = date()
    actiontime = date()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_tasks")
        indexes = [
            models.Index(fields=["username", "status"], name="jedi_tasks_user_st"),
            models.Index(fields=["modificationtime"], name="jedi_tasks_modtime"),
            models.Index(fields=["creationdate"], name="jedi_tasks_creation"),
            models.Index(fields=["realmodificationtime"], name="jedi_tasks_realmodtime"),
            models.Index(fields=["status", "workqueue_id", "prodsourcelabel", "jeditaskid"],
                         name="jedi_tasks_status3attr"),
            models.Index(fields=["reqid", "username"], name="jedi_tasks_reqid"),
            models.Index(fields=["taskname", "jeditaskid"], name="jedi_tasks_nametaskid"),
            models.Index(Upper("taskname"), name="jedi_tasks_upper_name"),
            models.Index(fields=["parent_tid"], name="jedi_tasks_parent_tid"),
            models.Index(fields=["lockedby"], name="jedi_tasks_lockedby"),
            models.Index(fields=["amiflag"], name="jedi_tasks_amiflag"),
        ]


class JediDataset(PandaModel):
    """One row per dataset of a task (§4.1)."""

    pk = models.CompositePrimaryKey("jeditaskid", "datasetid")
    jeditaskid = number(BIG, null=False)
    datasetid = number(BIG, null=False)  # jedi_datasets_id_seq, unique across tasks
    datasetname = varchar(255, null=False)
    type = varchar(20, null=False)
    creationtime = date(null=False)
    modificationtime = date(null=False)
    vo = varchar(32)
    cloud = varchar(10)
    site = varchar(60)
    masterid = number(BIG)
    provenanceid = number(BIG)
    containername = varchar(255)
    status = varchar(20)
    state = varchar(20)
    statechecktime = date()
    statecheckexpiration = date()
    frozentime = date()
    nfiles = number(BIG)
    nfilestobeused = number(BIG)
    nfilesused = number(BIG)
    nfilesonhold = number(BIG)
    nevents = number(BIG)
    neventstobeused = number(BIG)
    neventsused = number(BIG)
    lockedby = varchar(56)
    lockedtime = date()
    nfilesfinished = number(BIG)
    nfilesfailed = number(BIG)
    attributes = varchar(100)
    streamname = varchar(20)
    storagetoken = varchar(100)
    destination = varchar(60)
    templateid = number(BIG)
    nfileswaiting = number(BIG)
    nfilesmissing = number(BIG)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_datasets")
        indexes = [
            models.Index(fields=["datasetid"], name="jedi_datasets_dsetid"),
            models.Index(fields=["jeditaskid", "type"], name="jedi_datasets_taskid_type"),
            models.Index(fields=["containername"], name="jedi_datasets_container"),
            models.Index(fields=["datasetname", "type", "jeditaskid"], name="jedi_datasets_dnametypetid"),
            models.Index(fields=["lockedby"], name="jedi_datasets_lockedby"),
            models.Index(fields=["statecheckexpiration"], name="jedi_datasets_statecheckexp"),
        ]


class JediDatasetContent(PandaModel):
    """One row per file per dataset (§4.2)."""

    pk = models.CompositePrimaryKey("jeditaskid", "datasetid", "fileid")
    jeditaskid = number(BIG, null=False)
    datasetid = number(BIG, null=False)
    fileid = number(BIG, null=False)  # jedi_dataset_cont_fileid_seq
    creationdate = date(null=False)
    lastattempttime = date()
    lfn = varchar(4000, null=False)
    guid = varchar(64)
    type = varchar(20, null=False)
    status = varchar(64, null=False)
    fsize = number(BIG)
    checksum = varchar(36)
    scope = varchar(30)
    attemptnr = number(SMALL)
    maxattempt = number(SMALL)
    nevents = number(BIG)
    keeptrack = number(SMALL)
    startevent = number(BIG)
    endevent = number(BIG)
    firstevent = number(BIG)
    boundaryid = number(BIG)
    pandaid = number(BIG)  # the last job using the file
    failedattempt = number(SMALL)
    lumiblocknr = number(BIG)
    outpandaid = number(BIG)  # the job producing it
    maxfailure = number(SMALL)
    ramcount = number(BIG, default=0)
    is_waiting = char(1)
    jobsetid = number(BIG)
    proc_status = varchar(64)
    constituent_id = number(BIG)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_dataset_contents")
        indexes = [
            models.Index(fields=["lfn"], name="jedi_contents_lfn"),
            models.Index(fields=["datasetid"], name="jedi_contents_datasetid"),
            models.Index(fields=["pandaid"], name="jedi_contents_pandaid"),
        ]


class JediTaskparams(PandaModel):
    """The task definition as JSON text (§4.5)."""

    jeditaskid = models.BigIntegerField(primary_key=True)
    taskparams = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_taskparams")


class TasksStatuslog(PandaModel):
    """One row per task state change (§4.6); no key in PanDA."""

    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("jeditaskid", "modificationtime", "status")
    jeditaskid = number(BIG, null=False)
    modificationtime = timestamp(null=False)  # Oracle TIMESTAMP(6)
    status = varchar(64, null=False)
    modificationhost = varchar(128)
    attemptnr = number(SMALL)
    reason = varchar(255)

    class Meta(PandaModel.Meta):
        db_table = panda_table("tasks_statuslog")
        indexes = [models.Index(fields=["jeditaskid"], name="tasks_statuslog_jeditaskid")]


class JediJobRetryHistory(PandaModel):
    """Which job replaced which (§8.x); no primary key in PanDA, a unique key that
    includes originpandaid (nullable), so a stand-in key maps the rows."""

    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("jeditaskid", "oldpandaid", "newpandaid", "ins_utc_tstamp")
    jeditaskid = number(BIG, null=False)
    oldpandaid = number(BIG, null=False)
    newpandaid = number(BIG, null=False)
    # PanDA's default is the UTC time of the insert, seconds precision.
    ins_utc_tstamp = date(null=False, db_default=UtcNow())
    relationtype = varchar(32)
    originpandaid = number(BIG)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_job_retry_history")
        indexes = [
            models.Index(fields=["oldpandaid"], name="jedi_retry_hist_oldpid"),
            models.Index(fields=["originpandaid"], name="jedi_retry_hist_origid"),
        ]
