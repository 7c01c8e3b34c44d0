"""Where queue configuration comes from: current PanDA's schedconfig_json (CRIC's
record per queue) or the legacy schedconfig/cloudconfig (MySQL era, 2016 port).

Both sources give pages the same rows: schedconfig's column names (the keys the
monitor has always answered with) plus BigPanDA's aliases. Each source also
annotates its queryset with the same five expressions (q_nickname, q_siteid,
q_cloud, q_status, q_vo), so a filter or a sort written once runs in the database
on either: plain columns on schedconfig, JSON key extraction (`->>`, JSON_EXTRACT,
JSON_VALUE) on schedconfig_json. PostgreSQL's `json` type has no equality, so keys
are always compared as text.

The source is chosen by settings.PANDA_QUEUE_SOURCE: "auto" takes schedconfig_json
where the configured schema has it (pandamon.introspection), else schedconfig.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, Min, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Coalesce, Left, StrIndex, Upper
from django.db.models.lookups import GreaterThan, IsNull

from pandamon import introspection
from pandamon.errors import BadRequest, Misconfigured
from pandamon.routers import PANDA_DB
from sites.models import Cloudconfig, Schedconfig, SchedconfigJson

AUTO, JSON, LEGACY = "auto", "schedconfig_json", "schedconfig"
SETTINGS = (AUTO, JSON, LEGACY)

# Row keys: schedconfig's columns (comment_, not the model's `comment`) ...
COLUMNS: tuple[str, ...] = tuple(f.column for f in Schedconfig._meta.concrete_fields)
_FIELDS = {f.column: f for f in Schedconfig._meta.concrete_fields}
# ... and the names BigPanDA's /sites/ JSON gives the same values (web contract: compatibility).
ALIASES = {"comment": "comment_", "atlas_site": "site", "vo": "vo_name"}
# legacy_nickname: CRIC's name of the queue in the schedconfig era (BigPanDA sends it); on the legacy source
# that name is the row's own nickname.
KEYS: tuple[str, ...] = (*COLUMNS, *ALIASES, "panda_resource", "legacy_nickname")
# A copytool= value: a CRIC copytools key (it goes into a JSON path).
COPYTOOL_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def setting() -> str:
    value = settings.PANDA_QUEUE_SOURCE
    if value not in SETTINGS:
        raise Misconfigured(f"PANDA_QUEUE_SOURCE is {value!r}; use one of {', '.join(SETTINGS)} "
                            f"(auto: schedconfig_json where the database has it, else schedconfig)")
    return value


def current() -> QueueSource:
    """The configured source; "auto" asks the catalogue (cached by introspection)."""
    chosen = setting()
    if chosen == AUTO:
        chosen = JSON if introspection.has_table(SchedconfigJson) else LEGACY
    return CRIC if chosen == JSON else LEGACY_SOURCE


def first_item(expression) -> Case:
    """The first item of a comma list (PanDA takes a queue's home cloud so)."""
    comma = StrIndex(expression, Value(","))
    return Case(When(GreaterThan(comma, 0), then=Left(expression, comma - 1)), default=expression,
                output_field=models.CharField())


def key(name: str) -> ExpressionWrapper:
    """data ->> name as text. Wrapped so that lookups are CharField's (`in`, `like`),
    not the JSON key lookups, which compare JSON values (SQLite parses the right-hand
    side as JSON, PostgreSQL casts it to jsonb)."""
    return ExpressionWrapper(KeyTextTransform(name, "data"), output_field=models.CharField())


@dataclass(frozen=True)
class QueueSource:
    name: str

    def queryset(self) -> QuerySet:
        raise NotImplementedError

    def name_fields(self) -> tuple[str, ...]:
        return ("q_nickname", "q_siteid")

    def called(self, name: str, *, any_case: bool = False) -> QuerySet:
        """Queues called `name` by any of their names (and in any case: UPPER on both
        sides, as PanDA's tables may have a binary collation)."""
        qs, q = self.queryset(), Q()
        for field in self.name_fields():
            q |= Q(**{field: name})
        if any_case:
            qs = qs.annotate(**{f"{field}_upper": Upper(field) for field in self.name_fields()})
            for field in self.name_fields():
                q |= Q(**{f"{field}_upper": name.upper()})
        return qs.filter(q)

    def rows(self, qs: QuerySet) -> list[dict]:
        raise NotImplementedError

    def clouds(self) -> list[dict]:
        """Clouds as {name, description, tier1}, by name."""
        raise NotImplementedError

    def copytool_q(self, name: str) -> Q:
        """BigPanDA's copytool=: queues whose CRIC `copytools` has that key."""
        raise BadRequest(f"copytool: the queue source {self.name} has no copy tools (CRIC's copytools are in "
                         f"schedconfig_json)")


class Legacy(QueueSource):
    def queryset(self) -> QuerySet:
        return Schedconfig.objects.using(PANDA_DB).annotate(
            q_nickname=F("nickname"), q_siteid=F("siteid"), q_cloud=first_item(F("cloud")),
            q_status=F("status"), q_vo=F("vo_name"), q_tier=F("tier"))

    def rows(self, qs: QuerySet) -> list[dict]:
        attnames = {f.column: f.attname for f in _FIELDS.values()}
        return [_finish({column: values[attname] for column, attname in attnames.items()}, values["q_cloud"])
                for values in qs.values(*attnames.values(), "q_cloud")]

    def clouds(self) -> list[dict]:
        return list(Cloudconfig.objects.using(PANDA_DB).order_by("name").values("name", "description", "tier1"))


class Cric(QueueSource):
    def queryset(self) -> QuerySet:
        return SchedconfigJson.objects.using(PANDA_DB).annotate(
            q_nickname=Coalesce(key("nickname"), F("panda_queue")),
            q_siteid=Coalesce(key("siteid"), F("panda_queue")),
            q_cloud=first_item(key("cloud")),
            q_status=key("status"),
            q_vo=Coalesce(key("vo_name"), key("vo")),
            q_tier=key("tier"))

    def name_fields(self) -> tuple[str, ...]:
        return ("panda_queue", "q_nickname", "q_siteid")

    def rows(self, qs: QuerySet) -> list[dict]:
        return [_finish(_from_cric(r["panda_queue"], r["data"], r["last_update"]), r["q_cloud"])
                for r in qs.values("panda_queue", "data", "last_update", "q_cloud")]

    def copytool_q(self, name: str) -> Q:
        # data -> 'copytools' ->> name: present (not NULL) for a configured tool, on every backend's JSON.
        return Q(IsNull(KeyTextTransform(name, KeyTransform("copytools", "data")), False))

    def clouds(self) -> list[dict]:
        """No cloudconfig: the clouds the queues name, each with its Tier-1 queue's siteid."""
        tier1 = Min(Case(When(q_tier="T1", then="q_siteid"), output_field=models.CharField()))
        found = (self.queryset().exclude(q_cloud__isnull=True).values("q_cloud").annotate(tier1=tier1)
                 .order_by("q_cloud"))
        return [{"name": r["q_cloud"], "description": None, "tier1": r["tier1"]} for r in found]


LEGACY_SOURCE = Legacy(LEGACY)
CRIC = Cric(JSON)


# --- CRIC records as schedconfig rows ------------------------------------------------

# A legacy column whose CRIC key has another name; the first key present wins.
_CRIC_KEYS = {"site": ("atlas_site", "site"), "comment_": ("comment_", "comment"), "vo_name": ("vo_name", "vo")}


def _from_cric(panda_queue: str, data, last_update) -> dict:
    data = data if isinstance(data, dict) else {}
    row = {}
    for column in COLUMNS:
        value = next((data[k] for k in _CRIC_KEYS.get(column, (column,)) if k in data), None)
        row[column] = _typed(_FIELDS[column], value)
    row["nickname"] = row["nickname"] or panda_queue
    row["siteid"] = row["siteid"] or panda_queue
    ce = (data.get("queues") or [{}])[0] if isinstance(data.get("queues"), list) else {}
    if row["gatekeeper"] is None and isinstance(ce, dict) and ce.get("ce_endpoint"):
        row["gatekeeper"] = str(ce["ce_endpoint"]).split(":")[0]
    if row["jobmanager"] is None and isinstance(ce, dict):
        row["jobmanager"] = ce.get("ce_jobmanager")
    if row["lastmod"] is None:
        row["lastmod"] = _typed(_FIELDS["lastmod"], last_update)
    row["panda_resource"] = data.get("panda_resource") or panda_queue
    row["legacy_nickname"] = data.get("legacy_nickname")
    return row


def _typed(field: models.Field, value):
    """A CRIC value as the legacy column would hold it (CRIC writes numbers as JSON
    numbers, sometimes as strings; times as ISO text). Unreadable values stay as sent."""
    if value is None or (value == "" and not isinstance(field, models.CharField)):
        return None
    try:
        if isinstance(field, models.DecimalField):
            return float(value)
        if isinstance(field, models.IntegerField):
            return int(value)
        if isinstance(field, models.DateTimeField):
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    except (TypeError, ValueError, AttributeError):
        return value
    return value


def _finish(row: dict, cloud) -> dict:
    """The keys both sources share: home cloud, BigPanDA's aliases, plain numbers."""
    row["cloud"] = cloud
    if isinstance(row.get("corepower"), decimal.Decimal):
        row["corepower"] = float(row["corepower"])
    for alias, column in ALIASES.items():
        row[alias] = row[column]
    row.setdefault("panda_resource", row["siteid"])
    row.setdefault("legacy_nickname", row["nickname"])
    return {k: row[k] for k in KEYS}


def sorted_rows(source: QueueSource, where: Q | None = None) -> list[dict]:
    """Queues chosen by `where` (over the q_* names), by cloud then nickname."""
    return source.rows(source.queryset().filter(where or Q()).order_by("q_cloud", "q_nickname"))


def siteids(rows: Iterable[dict]) -> list[str]:
    return sorted({r["siteid"] for r in rows if r["siteid"]})
