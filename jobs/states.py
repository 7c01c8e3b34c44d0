"""Job states in the order a shifter reads them: the normal path first, then the
endings and the legacy states (fact sheet §3). Summary tables use it for columns."""

from __future__ import annotations

from collections.abc import Iterable

JOB_STATES: tuple[str, ...] = (
    "pending", "defined", "assigned", "waiting", "activated", "throttled", "sent", "starting", "running",
    "holding", "merging", "transferring", "finished", "failed", "cancelled", "closed",
    "stagein", "stageout", "unknown",
)
_RANK = {state: i for i, state in enumerate(JOB_STATES)}


def ordered(states: Iterable[str]) -> list[str]:
    """States in JOB_STATES order; states PanDA may add later go last, by name."""
    return sorted(set(states), key=lambda s: (_RANK.get(s, len(_RANK)), s))
