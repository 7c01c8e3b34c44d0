"""Worker nodes of a queue from one grouped count: who finishes, who fails.

A black-hole node takes jobs and fails them within minutes, so it shows as many
failures at a high rate. Ranking by the raw rate would put a node with 1 failure
out of 1 on top; ranking by failures alone favours the biggest healthy node. The
lower bound of the Wilson score interval of the fail rate does both at once: it
is high only when the rate is high *and* backed by many jobs.
"""

from __future__ import annotations

import math
from collections import Counter

from pandamon.params import NOT_SPECIFIED

Z = 1.96  # 95 % confidence
# HTML flags a node above this fail rate with at least this many ended jobs.
SUSPECT_FAILRATE = 0.5
SUSPECT_MIN_JOBS = 10


def failrate(nfailed: int, nfinished: int) -> float:
    """failed / (failed + finished); 0 when the node ended no job."""
    ended = nfailed + nfinished
    return nfailed / ended if ended else 0.0


def wilson_lower(nfailed: int, ended: int) -> float:
    if not ended:
        return 0.0
    p = nfailed / ended
    z2 = Z * Z
    centre = p + z2 / (2 * ended)
    margin = Z * math.sqrt(p * (1 - p) / ended + z2 / (4 * ended * ended))
    return (centre - margin) / (1 + z2 / ended)


def worker_nodes(counts: Counter) -> list[dict]:
    """Rows {wn, states, nfailed, nfinished, failrate} from {(modificationhost, jobstatus): n},
    black holes first (see module docstring), then by job count."""
    states: dict[str, dict[str, int]] = {}
    for (host, jobstatus), n in counts.items():
        per_node = states.setdefault(NOT_SPECIFIED if host is None else host, {})
        per_node[jobstatus] = per_node.get(jobstatus, 0) + n
    rows = []
    for wn, by_state in states.items():
        nfailed, nfinished = by_state.get("failed", 0), by_state.get("finished", 0)
        rows.append({"wn": wn, "states": by_state, "nfailed": nfailed, "nfinished": nfinished,
                     "failrate": round(failrate(nfailed, nfinished), 4)})
    rows.sort(key=lambda r: (-wilson_lower(r["nfailed"], r["nfailed"] + r["nfinished"]),
                             -sum(r["states"].values()), r["wn"]))
    return rows


def is_suspect(row: dict) -> bool:
    return row["failrate"] > SUSPECT_FAILRATE and row["nfailed"] + row["nfinished"] >= SUSPECT_MIN_JOBS
