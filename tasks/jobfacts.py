"""What JEDI adds to one job's page: the task's storage token, the input files' events."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Sum

from pandamon import introspection
from pandamon.routers import PANDA_DB
from tasks.models import JediDataset, JediDatasetContent


def storage_token(jeditaskid: int | None, using: str = PANDA_DB) -> str | None:
    """The first storage token among the task's datasets (BigPanDA's job page shows it as
    the job's destinationse); None without one, or without JEDI."""
    if not jeditaskid or not introspection.has_table(JediDataset, using):
        return None
    return (JediDataset.objects.using(using).filter(jeditaskid=jeditaskid, storagetoken__isnull=False)
            .order_by("datasetid").values_list("storagetoken", flat=True).first())


def input_events(files: Iterable[tuple[int, int]], using: str = PANDA_DB) -> int:
    """Events of these (datasetid, fileid) files in JEDI's dataset contents (positive counts
    only), summed in the database."""
    pairs = [(d, f) for d, f in files if d is not None and f is not None]
    if not pairs or not introspection.has_table(JediDatasetContent, using):
        return 0
    # fileid comes from one sequence: it names one row; datasetid lets the key's index serve.
    total = (JediDatasetContent.objects.using(using)
             .filter(datasetid__in={d for d, _ in pairs}, fileid__in={f for _, f in pairs}, nevents__gt=0)
             .aggregate(n=Sum("nevents"))["n"])
    return int(total or 0)
