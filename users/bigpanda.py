"""/users/ rows in BigPanDA's shape, from grouped queries (never from fetched job rows).

BigPanDA's userList answers, per user (its name lower-cased, as it groups them):
{name, latest: the user's highest pandaid, dict: {<state>: 0 for every state,
name, cputime: "%d" seconds, njobs, n<state> counts, nsites, sites {site: n},
nclouds, clouds {cloud: n}, nqueued (defined+waiting+assigned+activated),
latest: the last modificationtime, pandaid}}. The unprefixed <state> keys are
always 0 there; they are kept so a script that reads them finds them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from django.db.models import Max, Sum

from jobs.query import JobQuery

# BigPanDA's list of job states (its constants), in its order.
BIGPANDA_STATES = ("pending", "defined", "waiting", "assigned", "throttled", "activated", "sent", "starting",
                   "running", "holding", "transferring", "merging", "finished", "failed", "cancelled", "closed")
QUEUED = ("defined", "waiting", "assigned", "activated")
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def per_user_totals(query: JobQuery) -> dict:
    """{produsername: {cpu, pandaid, latest}}: summed cpuconsumptiontime, highest pandaid and last
    modificationtime, one grouped query per table (the query layer keeps a job in one table only)."""
    totals: dict = {}
    for _, qs in query.querysets():
        rows = qs.values("produsername").annotate(
            _cpu=Sum("cpuconsumptiontime"), _pandaid=Max("pandaid"), _latest=Max("modificationtime")).order_by()
        for row in rows:
            t = totals.setdefault(row["produsername"], {"cpu": 0, "pandaid": 0, "latest": None})
            t["cpu"] += float(row["_cpu"] or 0)
            t["pandaid"] = max(t["pandaid"], row["_pandaid"] or 0)
            if row["_latest"] is not None and (t["latest"] is None or row["_latest"] > t["latest"]):
                t["latest"] = row["_latest"]
    return totals


def user_rows(counts: Counter, totals: Mapping) -> dict[str | None, dict]:
    """{produsername: {name, latest, dict}} from {(produsername, computingsite, cloud, jobstatus): n}.

    Keyed by the exact produsername so the caller can join its own ranking; `name` is lower-cased
    (BigPanDA's key), dict.name the name as written ("Unknown" stands for no name, as in BigPanDA)."""
    out: dict[str | None, dict] = {}
    for (user, site, cloud, jobstatus), n in counts.items():
        if user not in out:
            d = {state: 0 for state in BIGPANDA_STATES}
            d.update({"name": user, "cputime": "0", "njobs": 0})
            d.update({f"n{state}": 0 for state in BIGPANDA_STATES})
            d.update({"nsites": 0, "sites": {}, "nclouds": 0, "clouds": {}, "nqueued": 0,
                      "latest": None, "pandaid": 0})
            out[user] = {"name": user.lower() if user is not None else "Unknown", "latest": 0, "dict": d}
        d = out[user]["dict"]
        d["njobs"] += n
        d[f"n{jobstatus}"] = d.get(f"n{jobstatus}", 0) + n
        d["sites"][site] = d["sites"].get(site, 0) + n
        d["clouds"][cloud] = d["clouds"].get(cloud, 0) + n
    for user, row in out.items():
        d, t = row["dict"], totals.get(user, {})
        d["nsites"], d["nclouds"] = len(d["sites"]), len(d["clouds"])
        d["nqueued"] = sum(d[f"n{state}"] for state in QUEUED)
        d["cputime"] = str(int(t.get("cpu", 0)))  # BigPanDA: whole seconds, as a string
        d["latest"] = t["latest"].strftime(DATE_FORMAT) if t.get("latest") else None
        d["pandaid"] = row["latest"] = t.get("pandaid", 0)
        # JSON object keys are strings: a job with no site or cloud is counted under "None", as BigPanDA does.
        d["sites"] = {str(k): v for k, v in d["sites"].items()}
        d["clouds"] = {str(k): v for k, v in d["clouds"].items()}
    return out

