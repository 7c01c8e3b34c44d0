"""schedconfig and cloudconfig rows for the catalogue's queues and clouds (fact sheet §6)."""

from __future__ import annotations

import datetime as dt

from jobs.synthetic import catalogue as cat


def schedconfig_rows(now: dt.datetime) -> list[dict]:
    rows = []
    for i, q in enumerate(cat.QUEUES):
        release = "|".join(r[0].split("-")[1] for r in cat.RELEASES) if q.vo == "atlas" else \
            cat.OTHER_RELEASES[q.vo][0]
        rows.append({
            "nickname": q.nickname, "siteid": q.siteid, "site": q.siteid.removeprefix("ANALY_"),
            "cloud": q.cloud, "gatekeeper": q.gatekeeper, "jobmanager": q.system, "system": q.system,
            "queue": f"{q.gatekeeper}/jobmanager-{q.system}", "localqueue": "atlas" if q.vo == "atlas" else q.vo,
            "status": q.status, "tier": q.tier, "corecount": q.corecount, "maxtime": q.maxtime,
            "memory": q.memory * q.corecount, "maxrss": q.memory * q.corecount, "minrss": 0,
            "maxinputsize": 14336, "ddm": f"{q.siteid.removeprefix('ANALY_')}_DATADISK",
            "se": f"token:ATLASDATADISK:srm://se.{q.domain}:8446/srm/managerv2?SFN=/pnfs/{q.domain}/atlas",
            "setokens": "ATLASDATADISK", "releases": release, "cmtconfig": "x86_64-el9-gcc13-opt",
            "nodes": len(cat.nodes_of(q)) * 40, "space": 50_000 + i * 1000,
            "lastmod": now - dt.timedelta(days=i % 9, hours=i),
            "comment": {"offline": "HC.Blacklist.set.offline", "test": "HC.Test.Me",
                        "brokeroff": "downtime: storage upgrade"}.get(q.status),
            "countrygroup": q.cloud.lower(), "pledgedcpu": 10_000 if q.tier == "T1" else 3000,
            "gocname": q.siteid.removeprefix("ANALY_"), "multicloud": None,
            "corepower": 10.5 if q.tier in ("T0", "T1") else 9.8, "timefloor": 0 if q.type == "analysis" else 60,
            "pilotlimit": 1000, "transferringlimit": 2000, "statusoverride": None,
            "workflow": "pull_ups", "resource_type": "MCORE" if q.corecount > 1 else "SCORE",
            "capability": "mcore" if q.corecount > 1 else "score", "type": q.type, "vo_name": q.vo,
        })
    return rows


def cloudconfig_rows(now: dt.datetime) -> list[dict]:
    rows = []
    for name, description, tier1, countries in cat.CLOUDS:
        rows.append({
            "name": name, "description": description, "tier1": tier1,
            "tier1se": f"{tier1}_DATADISK,{tier1}_DATATAPE", "relocation": None, "weight": 2,
            "server": "pandaserver.cern.ch", "status": "online", "transtimelo": 2, "transtimehi": 1,
            "waittime": 0, "space": 1000, "mcshare": 10 if name != "US" else 25, "countries": countries,
            "fasttrack": "true", "nprestage": 0, "pilotowners": "|atlpilo1|atlpilo2|", "dn": None,
            "email": f"atlas-adc-cloud-{name.lower()}@cern.ch", "fairshare": None, "modtime": now,
        })
    return rows
