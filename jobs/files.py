"""A job's file rows as BigPanDA's /job/ JSON gives them (`files`).

Every filestable column, NULL as "" and times as "YYYY-MM-DD HH:MM:SS" (as
BigPanDA writes them), plus the keys it derives: fsizemb, creationdate,
datasetname / ruciodatasetname (the dataset without its scope), oldfiletable,
destinationdblock_vis (the block's last "_" part), ddmsite (the site of a "dst"
destination token, else "All"), dsttoken, and maxattempt on inputs. BigPanDA
takes datasetname and maxattempt from JEDI's dataset tables; pandamon reads the
file row only, so datasetname is the row's dataset and maxattempt "".
"""

from __future__ import annotations

import datetime as dt

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def bigpanda_file(row: dict) -> dict:
    f = dict(row)
    fsize = int(f.get("fsize") or 0)
    dataset = f.get("dataset") or ""
    scope = f.get("scope") or ""
    f["fsize"] = fsize
    f["fsizemb"] = round(fsize / 1_000_000, 2)
    f.setdefault("creationdate", f.get("modificationtime"))
    if f.get("fileid") is None:
        f["fileid"] = f.get("row_id")
    f["datasetname"] = dataset
    f["ruciodatasetname"] = dataset.split(":", 1)[1] if scope and f"{scope}:" in dataset else dataset
    f["oldfiletable"] = 1
    if f.get("destinationdblock"):
        f["destinationdblock_vis"] = f["destinationdblock"].split("_")[-1]
    token = f.get("destinationdblocktoken") or ""
    if "dst" in token:
        parts = token.split("_")
        f["ddmsite"] = parts[0][4:] if len(parts[0]) > 4 else ""
        f["dsttoken"] = "ATLAS" + parts[1] if len(parts) > 1 else ""
    else:
        f["ddmsite"] = "All"
    if f.get("type") == "input":
        f["maxattempt"] = None
    return {k: _bigpanda_value(v) for k, v in f.items()}


def _bigpanda_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime(TIME_FORMAT)
    return value
