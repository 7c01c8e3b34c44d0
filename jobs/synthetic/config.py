"""Queue configuration for the catalogue's queues and clouds, in both of PanDA's forms:
legacy schedconfig/cloudconfig rows (fact sheet §6), or current schedconfig_json
records with CRIC's keys plus site and panda_site rows (part 2, §5). The same
queues either way, so the pages answer the same from either."""

from __future__ import annotations

import datetime as dt
import json

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


# Legacy columns whose CRIC key has another name.
_CRIC_NAMES = {"site": "atlas_site", "comment": "comment"}


def cric_record(row: dict) -> dict:
    """CRIC's record of one queue (what PanDA copies into schedconfig_json.data) from
    its legacy row: CRIC kept most schedconfig names, renamed a few and added its own."""
    q = {"nickname": row["nickname"], "siteid": row["siteid"]}
    for key, value in row.items():
        if key in ("nickname", "siteid", "lastmod", "vo_name"):
            continue
        q[_CRIC_NAMES.get(key, key)] = value
    q.update({
        "panda_resource": row["siteid"],
        "vo_name": row["vo_name"], "vo": row["vo_name"],
        "lastmod": row["lastmod"].replace(microsecond=0).isoformat(),
        "catchall": "unifiedPandaQueue" if row["type"] == "production" else "",
        "harvester": "CERN_central_A" if row["status"] != "offline" else "",
        "mintime": 0, "maxwdir": row["maxinputsize"] + 2000, "is_cvmfs": True,
        "direct_access_lan": row["type"] == "analysis", "direct_access_wan": False,
        "queues": [{"ce_endpoint": f"{row['gatekeeper']}:9619", "ce_jobmanager": row["jobmanager"],
                    "ce_queue_name": row["localqueue"], "ce_state": "ACTIVE"}],
        "copytools": _copytools(row), "region": row["cloud"],
        "legacy_nickname": row["nickname"],  # the schedconfig era's name, as CRIC keeps it
    })
    return q


def _copytools(row: dict) -> dict:
    """CRIC's copy tools of a queue: rucio everywhere, xrdcp beside it on analysis queues, gfal on Tier-1s."""
    tools = {"rucio": {"setup": ""}}
    if row["type"] == "analysis":
        tools["xrdcp"] = {"setup": ""}
    if row["tier"] == "T1":
        tools["gfal"] = {"setup": ""}
    return tools


def schedconfig_json_rows(now: dt.datetime) -> list[dict]:
    """schedconfig_json rows: panda_queue = the siteid jobs carry in computingsite."""
    return [{"panda_queue": row["siteid"], "data": json.dumps(cric_record(row)), "last_update": now}
            for row in schedconfig_rows(now)]


def site_rows(now: dt.datetime) -> list[dict]:
    """site: one per experiment site; the clouds' Tier-1 sites are nuclei."""
    tier1 = {t1 for _, _, t1, _ in cat.CLOUDS}
    sites = {}
    for row in schedconfig_rows(now):
        name = row["site"]
        level = {"T0": 0, "T1": 1, "T2": 2}.get(row["tier"], 3)
        sites[name] = {"site_name": name, "role": "nucleus" if name in tier1 else "satellite",
                       "tier_level": min(level, sites.get(name, {}).get("tier_level", 3)), "state": "ACTIVE"}
    return list(sites.values())


def panda_site_rows(now: dt.datetime) -> list[dict]:
    return [{"panda_site_name": row["siteid"], "site_name": row["site"], "storage_site_name": row["site"],
             "default_ddm_endpoint": row["ddm"], "is_local": "Y"} for row in schedconfig_rows(now)]
