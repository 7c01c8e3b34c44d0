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

from django.db.models import Sum

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


# --- BigPanDA's /wns/<site>/ summary ---------------------------------------------------------------
# BigPanDA's wnInfo JSON: summary = [All, Average, one row per node by name], the node being the part of
# modificationhost after "slot@" (a job with no host is "Unknown"), and per-node finished/failed lists.

SITE_STATES = ("defined", "waiting", "assigned", "throttled", "activated", "sent", "starting", "running",
               "holding", "merging", "transferring", "finished", "failed", "cancelled", "closed")
UNKNOWN = "Unknown"


def node_and_slot(host: str | None) -> tuple[str, str]:
    """("wn", "slot") of a modificationhost "slot@wn"; a host without "@" is slot "1". A job not yet sent
    carries the PanDA server's name (aipanda*): no node yet, "Unknown" as in BigPanDA."""
    if host is None:
        return UNKNOWN, "1"
    slot, at, wn = host.partition("@")
    wn, slot = (wn, slot) if at else (host, "1")
    return (UNKNOWN, "") if wn.startswith("aipanda") else (wn, slot)


def _pctfail(states: dict) -> float:
    ended = states.get("finished", 0) + states.get("failed", 0)
    return 100.0 * states.get("failed", 0) / ended if ended else 0.0


def bigpanda_summary(counts: Counter, running: dict) -> tuple[list[dict], dict[str, dict[str, int]]]:
    """(summary rows, {"failed"|"finished": {wn: n}}) from {(modificationhost, jobstatus): n} and
    {modificationhost: (cores, minramcount)} summed over running jobs."""
    nodes: dict[str, dict] = {}
    total: dict[str, int] = dict.fromkeys(SITE_STATES, 0)
    plots: dict[str, dict[str, int]] = {"failed": {}, "finished": {}}
    cores = ram = 0
    for (host, jobstatus), n in sorted(counts.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        wn, slot = node_and_slot(host)
        node = nodes.setdefault(wn, {"name": wn, "count": 0, "states": {s: 0 for s in SITE_STATES},
                                     "rcores": 0, "rminramcount": 0, "slotd": {}})
        node["count"] += n
        node["states"][jobstatus] = node["states"].get(jobstatus, 0) + n
        node["slotd"][slot] = node["slotd"].get(slot, 0) + 1
        total[jobstatus] = total.get(jobstatus, 0) + n
        if wn != UNKNOWN and jobstatus in plots:
            plots[jobstatus][wn] = plots[jobstatus].get(wn, 0) + n
    for host, (c, r) in running.items():
        node = nodes.get(node_and_slot(host)[0])
        if node is not None:
            node["rcores"] += c or 0
            node["rminramcount"] += r or 0
            cores, ram = cores + (c or 0), ram + (r or 0)

    njobs, nnodes = sum(total.values()), len(nodes)
    pct = int(_pctfail(total))
    rows = [{
        "name": "All", "slotcount": sum(len(n["slotd"]) for n in nodes.values()), "count": njobs,
        "rcores": cores, "rminramcount": round(ram / 1000, 2), "states": total,
        "statelist": [{"name": s, "count": total[s]} for s in SITE_STATES], "pctfail": pct,
    }, {
        "name": "Average", "count": f"{njobs / nnodes:.2f}" if nnodes else "", "states": total,
        "statelist": [{"name": s, "count": f"{total[s] / nnodes:.2f}" if nnodes else ""} for s in SITE_STATES],
        "pctfail": pct,
    }]
    for wn in sorted(nodes):
        node = nodes[wn]
        states = node["states"]
        ended = states.get("finished", 0) + states.get("failed", 0)
        node_pct = -(-100 * states.get("failed", 0) // ended) if ended else 0  # rounded up, exactly
        outlier = ""
        if wn.lower() != "unknown" and states.get("failed", 0) > 5 and node_pct >= 10:
            if node_pct >= pct * 10 or node_pct >= 50:
                outlier = " VeryHighFailed "
            elif node_pct >= pct * 5 or node_pct >= 20:
                outlier = " HighFailed "
        rows.append({
            **node, "states": {s: {"name": s, "count": n} for s, n in states.items()},
            "rminramcount": round(node["rminramcount"] / 1000, 2),
            "statelist": [{"name": s, "count": states[s]} for s in SITE_STATES],
            "outlier": outlier, "slotcount": len(node["slotd"]), "pctfail": node_pct,
        })
    return rows, plots


def running_resources(query, extra) -> dict:
    """{modificationhost: (cores, minramcount)} summed over the running jobs `extra` selects, one grouped
    query per table (BigPanDA's rcores/rminramcount)."""
    out: dict = {}
    for _, qs in query.querysets(extra):
        for row in qs.values("modificationhost").annotate(_c=Sum("actualcorecount"), _r=Sum("minramcount")).order_by():
            c, r = out.get(row["modificationhost"], (0, 0))
            out[row["modificationhost"]] = (c + (row["_c"] or 0), r + (row["_r"] or 0))
    return out


def plot_list(by_node: dict[str, int], by_count: bool) -> list[list]:
    """[[wn, n]] in BigPanDA's order: by name (sortby=alpha, its default) or by count, largest first."""
    return sorted(([wn, n] for wn, n in by_node.items()), key=lambda x: x[1 if by_count else 0], reverse=True)
