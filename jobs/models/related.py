"""Rows that hang off a job or a task: files, parameters, metadata, state history,
pilot log extracts and debug stdout (fact sheet §7), with the archive's
companions (panda-schema-jedi.md §8).

Models of tables PanDA gives no primary key carry `panda_no_primary_key = True`:
Django needs a key to map rows, so one is declared, but the schema builder must
not create it as a constraint (PanDA's rows need not be unique on it).
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from jobs.models.columns import UtcNow, clob, date, number, timestamp, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

# Live jobs' files, parameters and metadata sit at this modificationtime (the DDL
# default) until the server archives the job and stamps the job's own time on them.
LIVE_COMPANION_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Filestable4(PandaModel):
    row_id = models.BigIntegerField(primary_key=True)
    pandaid = number(11, null=False, default=0)
    modificationtime = date(null=False, db_default=LIVE_COMPANION_TIME)
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


class FilestableArch(PandaModel):
    """filestable4's rows after its retention (archive schema): the same columns plus
    creationtime, wider checksums, no key in PanDA."""

    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("row_id", "modificationtime")
    row_id = number(11, null=False)
    pandaid = number(11, null=False, default=0)
    modificationtime = date(null=False, db_default=UtcNow())
    creationtime = date()
    guid = varchar(64)
    lfn = varchar(256)
    type = varchar(20)
    dataset = varchar(255)
    status = varchar(64)
    proddblock = varchar(255)
    proddblocktoken = varchar(250)
    dispatchdblock = varchar(255)
    dispatchdblocktoken = varchar(250)
    destinationdblock = varchar(255)
    destinationdblocktoken = varchar(250)
    destinationse = varchar(250)
    fsize = number(11, default=0)
    md5sum = varchar(40)
    checksum = varchar(40)
    scope = varchar(30)
    jeditaskid = number(11)
    datasetid = number(11)
    fileid = number(11)
    attemptnr = number(3)

    class Meta(PandaModel.Meta):
        db_table = panda_table("filestable_arch", archive=True)
        indexes = [
            models.Index(fields=["pandaid"], name="filestable_arch_pandaid"),
            models.Index(fields=["lfn"], name="filestable_arch_lfn"),
            models.Index(fields=["row_id"], name="filestable_arch_row_id"),
            models.Index(fields=["jeditaskid", "datasetid", "fileid", "pandaid"], name="filestable_arch_jdfp"),
        ]


class Jobparamstable(PandaModel):
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = number(11, null=False)
    modificationtime = date(null=False, db_default=LIVE_COMPANION_TIME)
    jobparameters = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobparamstable")


class JobparamstableArch(PandaModel):
    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = number(11, null=False)
    modificationtime = date(null=False, db_default=UtcNow())
    jobparameters = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobparamstable_arch", archive=True)
        indexes = [models.Index(fields=["pandaid"], name="jobparamstable_arch_pandaid")]


class Metatable(PandaModel):
    """The pilot's job report (JSON text) of an ended job."""

    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = number(11, null=False)
    modificationtime = date(null=False, db_default=LIVE_COMPANION_TIME)
    metadata = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("metatable")


class MetatableArch(PandaModel):
    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("pandaid", "modificationtime")
    pandaid = number(11, null=False, default=0)
    modificationtime = date(null=False, db_default=UtcNow())
    metadata = clob()

    class Meta(PandaModel.Meta):
        db_table = panda_table("metatable_arch", archive=True)
        indexes = [models.Index(fields=["pandaid"], name="metatable_arch_pandaid")]


class Jobsdebug(PandaModel):
    """The tail of the pilot's stdout for a job in debug mode."""

    pandaid = models.BigIntegerField(primary_key=True)
    stdout = varchar(2048)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobsdebug")


class JobsStatuslog(PandaModel):
    """One row per state transition of a job. PanDA gives it no key (and the DDL
    none); Django needs one to map rows, so one is named here for reads only."""

    panda_no_primary_key = True
    pk = models.CompositePrimaryKey("pandaid", "modificationtime", "jobstatus")
    pandaid = number(11, null=False)
    modificationtime = date(null=False)
    jobstatus = varchar(15, null=False)
    prodsourcelabel = varchar(20)
    cloud = varchar(50)
    computingsite = varchar(128)
    modificationhost = varchar(128)
    # Sub-second time of the transition; nullable in PanDA (older rows, some writers).
    modiftime_extended = timestamp()

    class Meta(PandaModel.Meta):
        db_table = panda_table("jobs_statuslog")
        indexes = [
            # state history of one job
            models.Index(fields=["pandaid"], name="jobs_statuslog_pandaid"),
        ]


class Pandalog(PandaModel):
    """Log records the server and pilots send to panda.mon.* loggers. No key in
    PanDA; (bintime, pid, line) stands in for one so Django can map the rows."""

    panda_no_primary_key = True
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

