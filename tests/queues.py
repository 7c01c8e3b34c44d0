"""The queues as the database holds them, read with plain SQL from whichever queue
table the layout has (schedconfig_json's CRIC records parsed here): an oracle for
the queue pages that does not go through sites.sources."""

from __future__ import annotations

import json

from django.db import connections

from pandamon import introspection
from sites.models import Schedconfig, SchedconfigJson


def expected_queues() -> list[dict]:
    """{nickname, siteid, cloud, vo_name, status} per queue, as "auto" would read them."""
    connection = connections["panda"]
    with connection.cursor() as cursor:
        if introspection.has_table(SchedconfigJson):
            cursor.execute(f"SELECT panda_queue, data FROM {connection.ops.quote_name(SchedconfigJson._meta.db_table)}")
            return [_from_record(name, data) for name, data in cursor.fetchall()]
        cursor.execute("SELECT nickname, siteid, cloud, vo_name, status FROM "
                       f"{connection.ops.quote_name(Schedconfig._meta.db_table)}")
        keys = ("nickname", "siteid", "cloud", "vo_name", "status")
        return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _from_record(panda_queue: str, data) -> dict:
    record = data if isinstance(data, dict) else json.loads(data or "{}")
    cloud = (record.get("cloud") or "").split(",")[0] or None
    return {"nickname": record.get("nickname") or panda_queue, "siteid": record.get("siteid") or panda_queue,
            "cloud": cloud, "vo_name": record.get("vo_name") or record.get("vo"), "status": record.get("status")}
