"""How PanDA divides its resources: global shares and JEDI's work queues
(panda-schema-jedi.md §7).

Both live here because jobs.workqueue_id and jedi_tasks.workqueue_id hold an id of
either table (global_shares.queue_id sits in the 9000 range of the same id space):
resolving a work queue reads the two together.
"""

from __future__ import annotations

from django.db import models

from jobs.models.columns import char, number, varchar
from pandamon.models import PandaModel
from pandamon.schema import panda_table

SMALL, INT = 4, 9  # number() precisions giving PostgreSQL's smallint / integer


class GlobalShare(PandaModel):
    """One node of the share tree; jobs and tasks carry a leaf's name in gshare."""

    name = models.CharField(max_length=32, primary_key=True)
    value = number(SMALL, null=False)  # percent of the parent
    parent = varchar(32)  # NULL: top level
    prodsourcelabel = varchar(100)
    workinggroup = varchar(100)
    campaign = varchar(100)
    processingtype = varchar(100)
    vo = varchar(32)
    queue_id = number(INT, unique=True)
    throttled = char(1)
    transpath = varchar(128)
    rtype = varchar(32)  # grid / cloud / hpc

    class Meta(PandaModel.Meta):
        db_table = panda_table("global_shares")


class JediWorkQueue(PandaModel):
    queue_id = models.IntegerField(primary_key=True)
    queue_name = varchar(32, null=False)
    queue_type = varchar(32, null=False)  # a prodSourceLabel: managed, user, test...
    vo = varchar(32, null=False)
    status = varchar(64)  # anything but inactive is active
    partitionid = number(INT)
    stretchable = number(SMALL)
    queue_share = number(SMALL)
    queue_order = number(SMALL)  # lower first; the first match wins
    criteria = varchar(256)
    variables = varchar(256)
    queue_function = varchar(32)

    class Meta(PandaModel.Meta):
        db_table = panda_table("jedi_work_queue")
        constraints = [
            models.UniqueConstraint(fields=["queue_name", "queue_type", "vo"], name="jedi_work_queue_name_type_vo"),
        ]
        indexes = [models.Index(fields=["queue_function", "queue_id"], name="jedi_work_queue_qfunc")]
