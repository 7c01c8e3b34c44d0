"""PanDA's job tables: one column set, five tables (fact sheet §2).

jobsdefined4 / jobswaiting4 / jobsactive4 hold live jobs, jobsarchived4 is the
"fast buffer" of ended jobs (~3 days), jobsarchived is the archive (years,
range-partitioned by modificationtime). A job that just ended sits in both
jobsarchived4 and the archive for a while: readers de-duplicate by pandaid.
"""

from __future__ import annotations

from django.db import models

from jobs.models.columns import char, clob, date, decimal, number, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

# Every error component: (name used in summaries, code column, diag column).
# transexitcode (the payload's exit status) is a string and has no diag column.
ERROR_COMPONENTS = (
    ("pilot", "piloterrorcode", "piloterrordiag"),
    ("executor", "exeerrorcode", "exeerrordiag"),
    ("supervisor", "superrorcode", "superrordiag"),
    ("dataservice", "ddmerrorcode", "ddmerrordiag"),
    ("brokerage", "brokerageerrorcode", "brokerageerrordiag"),
    ("jobdispatcher", "jobdispatchererrorcode", "jobdispatchererrordiag"),
    ("taskbuffer", "taskbuffererrorcode", "taskbuffererrordiag"),
)


class JobBase(PandaModel):
    pandaid = models.BigIntegerField(primary_key=True)
    jobdefinitionid = number(11, null=False, default=0)
    schedulerid = varchar(128)
    pilotid = varchar(200)
    creationtime = date(null=False)
    creationhost = varchar(128)
    modificationtime = date(null=False)
    modificationhost = varchar(128)
    atlasrelease = varchar(64)
    transformation = varchar(250)
    homepackage = varchar(80)
    prodserieslabel = varchar(20, default="Rome")
    prodsourcelabel = varchar(20, default="managed")
    produserid = varchar(250)
    assignedpriority = number(9, null=False, default=0)
    currentpriority = number(9, null=False, default=0)
    attemptnr = number(3, null=False, default=0)
    maxattempt = number(3, null=False, default=0)
    jobstatus = varchar(15, null=False, default="activated")
    jobname = varchar(256)
    maxcpucount = number(10, null=False, default=0)
    maxcpuunit = varchar(32)
    maxdiskcount = number(10, null=False, default=0)
    maxdiskunit = char(4)
    ipconnectivity = char(5)
    minramcount = number(10, null=False, default=0)
    minramunit = char(2)
    starttime = date()
    endtime = date()
    cpuconsumptiontime = number(20, null=False, default=0)
    cpuconsumptionunit = varchar(128)
    commandtopilot = varchar(250)
    transexitcode = varchar(128)
    piloterrorcode = number(7, null=False, default=0)
    piloterrordiag = varchar(500)
    exeerrorcode = number(7, null=False, default=0)
    exeerrordiag = varchar(500)
    superrorcode = number(7, null=False, default=0)
    superrordiag = varchar(250)
    ddmerrorcode = number(7, null=False, default=0)
    ddmerrordiag = varchar(700)
    brokerageerrorcode = number(7, null=False, default=0)
    brokerageerrordiag = varchar(250)
    jobdispatchererrorcode = number(7, null=False, default=0)
    jobdispatchererrordiag = varchar(250)
    taskbuffererrorcode = number(7, null=False, default=0)
    taskbuffererrordiag = varchar(300)
    computingsite = varchar(128)
    computingelement = varchar(128)
    jobparameters = clob()
    metadata = clob()
    proddblock = varchar(255)
    dispatchdblock = varchar(255)
    destinationdblock = varchar(255)
    destinationse = varchar(250)
    nevents = number(10, null=False, default=0)
    grid = varchar(50)
    cloud = varchar(50)
    cpuconversion = decimal(9, 4)
    sourcesite = varchar(36)
    destinationsite = varchar(36)
    transfertype = varchar(10)
    taskid = number(9)
    cmtconfig = varchar(250)
    statechangetime = date()
    proddbupdatetime = date()
    lockedby = varchar(128)
    relocationflag = number(1, default=0)
    jobexecutionid = number(11, default=0)
    vo = varchar(32)  # PostgreSQL 32, Oracle V(16)
    pilottiming = varchar(100)
    workinggroup = varchar(20)
    processingtype = varchar(64)
    produsername = varchar(60)
    ninputfiles = number(5)
    countrygroup = varchar(20)
    batchid = varchar(80)
    parentid = number(11)
    specialhandling = varchar(80)
    jobsetid = number(11)
    corecount = number(3)
    ninputdatafiles = number(5)
    inputfiletype = varchar(32)
    inputfileproject = varchar(64)
    inputfilebytes = number(15)
    noutputdatafiles = number(5)
    outputfilebytes = number(11)
    jobmetrics = varchar(500)
    workqueue_id = number(5)
    jeditaskid = number(11)
    jobsubstatus = varchar(80)
    actualcorecount = number(6)
    reqid = number(9)
    maxrss = number(10)
    maxvmem = number(10)
    maxswap = number(10)
    maxpss = number(10)
    avgrss = number(10)
    avgvmem = number(10)
    avgswap = number(10)
    avgpss = number(10)
    maxwalltime = number(10)
    nucleus = varchar(52)
    eventservice = number(1)
    failedattempt = number(3)
    hs06sec = number(11)
    gshare = varchar(32)
    hs06 = number(11)
    totrchar = number(10)
    totwchar = number(10)
    totrbytes = number(10)
    totwbytes = number(10)
    raterchar = number(10)
    ratewchar = number(10)
    raterbytes = number(10)
    ratewbytes = number(10)
    resource_type = varchar(56)
    diskio = number(9)
    memory_leak = number(11)
    memory_leak_x2 = decimal(14, 3)
    container_name = varchar(200)
    job_label = varchar(20)
    meancorecount = decimal(8, 2)
    gco2_regional = decimal(10, 2)
    gco2_global = decimal(10, 2)
    cpu_architecture_level = varchar(20)
    outputfiletype = varchar(32)

    # The table a row was read from; set by the query layer, not a column.
    table_name = ""

    class Meta(PandaModel.Meta):
        abstract = True
        # Each index is named after the query that needs it (the same keys as
        # PanDA's own indexes, fact sheet §2.2).
        indexes = [
            # time window of every summary and list
            models.Index(fields=["modificationtime"], name="%(class)s_modtime"),
            # state transitions, error summary
            models.Index(fields=["statechangetime"], name="%(class)s_statetime"),
            # The grouped counts of the summaries read only these columns: with
            # modificationtime last the index covers them, and MariaDB answers
            # from the index alone instead of a row lookup per job (20-40x
            # faster on 100k live jobs). Like PanDA's own (computingsite, cloud,
            # jobstatus, ..., modificationtime) index on jobsarchived4.
            # dashboard: jobs per VO, cloud, site and state (jobtype narrows the label)
            models.Index(fields=["vo", "cloud", "computingsite", "jobstatus", "prodsourcelabel", "modificationtime"],
                         name="%(class)s_summary"),
            # site pages and /sites/
            models.Index(fields=["computingsite", "jobstatus", "modificationtime"], name="%(class)s_site_st"),
            # user pages and /users/
            models.Index(fields=["produsername", "jobstatus", "modificationtime"], name="%(class)s_user_st"),
            # task pages and retry chains (children share the parent's task)
            models.Index(fields=["jeditaskid", "jobstatus"], name="%(class)s_task_st"),
            # job lookup by name
            models.Index(fields=["jobname"], name="%(class)s_jobname"),
            # jobs of one analysis job set
            models.Index(fields=["jobsetid"], name="%(class)s_jobset"),
        ]


class Jobsdefined4(JobBase):
    jobstatus = varchar(15, null=False, default="defined")

    class Meta(JobBase.Meta):
        db_table = panda_table("jobsdefined4")


class Jobswaiting4(JobBase):
    jobstatus = varchar(15, null=False, default="waiting")

    class Meta(JobBase.Meta):
        db_table = panda_table("jobswaiting4")


class Jobsactive4(JobBase):
    class Meta(JobBase.Meta):
        db_table = panda_table("jobsactive4")


class Jobsarchived4(JobBase):
    # PK (pandaid, modificationtime): the partition key must be in every unique key.
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = models.BigIntegerField()

    class Meta(JobBase.Meta):
        db_table = panda_table("jobsarchived4")


class Jobsarchived(JobBase):
    """The long-term archive. PanDA gives it no primary key (a job may sit in it twice
    while copied); (pandaid, modificationtime) maps the rows, the DDL creates none."""

    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = models.BigIntegerField()
    jobstatus = varchar(15, null=False, default="unknown")
    # The archive leaves these nullable and without default, and its unit is wider.
    nevents = number(10)
    cpuconsumptiontime = number(20)
    minramunit = char(4)

    class Meta(JobBase.Meta):
        db_table = panda_table("jobsarchived", archive=True)
        # No key to find a job by: PanDA's archive has a (non-unique) pandaid index.
        indexes = [*JobBase.Meta.indexes, models.Index(fields=["pandaid"], name="%(class)s_pandaid")]


# Live tables first: a job is looked up there before the archive, and when a job
# is in two tables the earlier one wins.
LIVE_JOB_MODELS = (Jobsdefined4, Jobswaiting4, Jobsactive4, Jobsarchived4)
JOB_MODELS = (*LIVE_JOB_MODELS, Jobsarchived)
JOB_COLUMNS = tuple(f.column for f in Jobsactive4._meta.concrete_fields)
