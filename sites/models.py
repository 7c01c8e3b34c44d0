"""PanDA's queue and cloud configuration (fact sheet §6; part 2, §5).

Two generations: the legacy schedconfig/cloudconfig (MySQL era, dropped from
Oracle in 2024) and the current schedconfig_json with site/panda_site. Pages read
either through sites.sources, never these models directly."""

from __future__ import annotations

from django.db import models

from jobs.models.columns import char, date, number, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

QUEUE_STATES = ("online", "offline", "test", "brokeroff")


class Schedconfig(PandaModel):
    """One row per queue. nickname is the queue; siteid is what jobs carry in
    computingsite (several nicknames may share one siteid)."""

    nickname = models.CharField(max_length=60, primary_key=True)
    siteid = varchar(60)
    site = varchar(60)
    cloud = varchar(60)
    gatekeeper = varchar(120)
    jobmanager = varchar(80)
    system = varchar(60)
    queue = varchar(60)
    localqueue = varchar(50)
    status = varchar(10, null=False, default="offline")
    tier = varchar(15)
    corecount = number(3)
    maxtime = number(10, null=False, default=0)
    memory = number(10, null=False, default=0)
    maxrss = number(10)
    minrss = number(10)
    maxinputsize = number(10)
    ddm = varchar(120)
    se = varchar(400)
    setokens = varchar(80)
    releases = varchar(500)
    cmtconfig = varchar(250)
    nodes = number(10, null=False, default=0)
    space = number(10, null=False, default=0)
    lastmod = date(null=False)
    comment = varchar(500, db_column="comment_")
    countrygroup = varchar(64)
    pledgedcpu = number(10)
    gocname = varchar(64)
    multicloud = varchar(64)
    corepower = models.DecimalField(max_digits=10, decimal_places=4, null=True)
    timefloor = number(5)
    pilotlimit = number(10)
    transferringlimit = number(10)
    statusoverride = varchar(256)
    workflow = varchar(50)
    resource_type = varchar(56)
    capability = varchar(50)
    type = varchar(30)  # production / analysis / unified
    vo_name = varchar(32)

    class Meta(PandaModel.Meta):
        db_table = panda_table("schedconfig")
        indexes = [models.Index(fields=["siteid"], name="schedconfig_siteid")]


class Cloudconfig(PandaModel):
    name = models.CharField(max_length=20, primary_key=True)
    description = varchar(50, null=False, default="")
    tier1 = varchar(20, null=False, default="")
    tier1se = varchar(400, null=False, default="")
    relocation = varchar(10)
    weight = number(11, null=False, default=0)
    server = varchar(100, null=False, default="")
    status = varchar(20, null=False, default="")
    transtimelo = number(11, null=False, default=0)
    transtimehi = number(11, null=False, default=0)
    waittime = number(11, null=False, default=0)
    space = number(11, null=False, default=0)
    mcshare = number(11, null=False, default=0)
    countries = varchar(80, null=False, default="")
    fasttrack = varchar(20)
    nprestage = number(11, null=False, default=0)
    pilotowners = varchar(300)
    dn = varchar(100)
    email = varchar(60)
    fairshare = varchar(128)
    modtime = date(null=False)

    class Meta(PandaModel.Meta):
        db_table = panda_table("cloudconfig")


# --- current PanDA: CRIC's queue records (fact sheet part 2, §5) -----------------


class CricJSONField(models.JSONField):
    """PanDA's `data` column: `json` on PostgreSQL (not jsonb), CLOB IS JSON on Oracle,
    Django's JSON column elsewhere. psycopg parses `json` into a dict itself (Django
    only registers a text loader for jsonb), so a value may arrive parsed or as text."""

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        if connection.vendor == "oracle":
            return "CLOB"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if isinstance(value, dict | list):
            return value
        return super().from_db_value(value, expression, connection)


class SchedconfigJson(PandaModel):
    """One row per queue: panda_queue (= jobs.computingsite) and CRIC's record of it."""

    panda_queue = models.CharField(max_length=50, primary_key=True)
    data = CricJSONField(null=True)
    last_update = date()

    class Meta(PandaModel.Meta):
        db_table = panda_table("schedconfig_json")


class Site(PandaModel):
    """An experiment site (CRIC's atlas_site), written by PanDA's Configurator."""

    site_name = models.CharField(max_length=52, primary_key=True)
    role = varchar(256)  # nucleus / satellite
    tier_level = number(2)
    state = varchar(52)

    class Meta(PandaModel.Meta):
        db_table = panda_table("site")


class PandaSite(PandaModel):
    """A PanDA site (= panda_queue) and the experiment site it belongs to."""

    panda_site_name = models.CharField(max_length=52, primary_key=True)
    site_name = varchar(52, null=False)
    storage_site_name = varchar(52)
    default_ddm_endpoint = varchar(52)
    is_local = char(1)

    class Meta(PandaModel.Meta):
        db_table = panda_table("panda_site")
        indexes = [
            models.Index(fields=["default_ddm_endpoint"], name="panda_site_def_endpoint_idx"),
            models.Index(fields=["site_name"], name="panda_site_site_name_idx"),
            models.Index(fields=["storage_site_name"], name="panda_site_storage_name_idx"),
        ]
