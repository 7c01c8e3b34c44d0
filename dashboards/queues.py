"""What the queue configuration says of the queues a dashboard shows: region (home
cloud), ATLAS site, type and status, read in one query from whichever source the
database has (sites.sources), and the problems a shifter looks for."""

from __future__ import annotations

from collections.abc import Iterable

from dashboards.summary import Cell
from sites import sources

# A queue is flagged when it fails most of what ends (over enough jobs to mean it) ...
FAILING_PERCENT, FAILING_MIN_ENDED = 50.0, 10


def queue_info(computingsites: Iterable[str | None]) -> dict[str, dict]:
    """{computingsite: {region, atlas_site, pqtype, status}}: jobs carry the queue's siteid,
    shared by several nicknames at times; the first nickname's record is taken."""
    names = sorted({s for s in computingsites if s})
    if not names:
        return {}
    source = sources.current()
    rows = source.rows(source.queryset().filter(q_siteid__in=names).order_by("q_nickname"))
    info: dict[str, dict] = {}
    for row in rows:
        info.setdefault(row["siteid"], {"region": row["cloud"], "atlas_site": row["site"], "pqtype": row["type"],
                                        "status": row["status"]})
    return info


def problems(cell: Cell, status: str | None) -> list[str]:
    """Why a shifter should look at a queue (empty: nothing stands out)."""
    found = []
    ended = cell.states["finished"] + cell.states["failed"]
    if ended >= FAILING_MIN_ENDED and cell.failrate is not None and cell.failrate >= FAILING_PERCENT:
        found.append(f"{cell.failrate}% of ended jobs failed")
    if cell.states["activated"] and not cell.states["running"]:
        found.append("activated jobs, none running")
    if status not in (None, "online") and cell.states["activated"]:
        found.append(f"queue {status} with activated jobs")
    return found
