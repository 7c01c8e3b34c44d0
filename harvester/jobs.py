"""What Harvester knows of one job: the worker that ran it (BigPanDA's `harvesterInfo`)."""

from __future__ import annotations

from harvester.models import HarvesterRelJobsWorkers, HarvesterWorker
from pandamon import introspection
from pandamon.routers import PANDA_DB

WORKER_KEYS = ("workerid", "harvesterid", "batchlog", "computingelement", "errorcode", "diagmessage")


def job_worker(pandaid: int, using: str = PANDA_DB) -> dict:
    """The job's worker as BigPanDA's job page gives it ({} when Harvester did not submit
    it, or the database has no Harvester tables). A job with several workers (pull
    mode) is shown with its latest; two queries, whatever the number of workers."""
    if not all(introspection.has_table(m, using) for m in (HarvesterRelJobsWorkers, HarvesterWorker)):
        return {}
    link = (HarvesterRelJobsWorkers.objects.using(using).filter(pandaid=pandaid)
            .order_by("-workerid").values("harvesterid", "workerid").first())
    if link is None:
        return {}
    worker = (HarvesterWorker.objects.using(using).filter(**link).order_by("-lastupdate")
              .values(*WORKER_KEYS).first())
    return worker or {}
