"""BigPanDA's mode=drop: hide the attempts that a later retry superseded.

PanDA records each retry in jedi_job_retry_history (oldpandaid -> newpandaid,
relationtype 'retry'); BigPanDA's drop algorithm hides a job that is the old side
of such a row, and every job of a jobset retried as a whole ('jobset_retry', the
old jobsetid in oldpandaid). Here that is one NOT EXISTS per rule, so every
count and list over the selection is exact and computed by the database.
Event-service jobs that finished or are merging stay, as in BigPanDA.
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q

from pandamon import introspection
from pandamon.errors import BadRequest
from tasks.models import JediJobRetryHistory


def _history(relationtype: str, column: str):
    return (JediJobRetryHistory.objects.filter(oldpandaid=OuterRef(column), relationtype=relationtype)
            .exclude(newpandaid=F("oldpandaid")))


def superseded_q() -> Q:
    """The jobs mode=drop hides."""
    kept_es = Q(eventservice__gt=0) & Q(jobstatus__in=("finished", "merging"))
    retried = Q(Exists(_history("retry", "pandaid"))) & ~kept_es
    jobset_retried = Q(Exists(_history("jobset_retry", "jobsetid")))
    return retried | jobset_retried


def drop_q(mode: str) -> Q:
    """mode=drop: the jobs no retry superseded; mode=dropped: only the superseded ones."""
    if mode == "nodrop":
        return Q()
    if not introspection.has_table(JediJobRetryHistory):
        raise BadRequest(f"mode={mode} needs PanDA's jedi_job_retry_history, which this database lacks; "
                         f"use mode=nodrop")
    return ~superseded_q() if mode == "drop" else superseded_q()
