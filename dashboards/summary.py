"""Job states per region / nucleus / queue, split by job type and resource type
(BigPanDA's `dash/region` and `dash/world` summaries).

One grouped query per job table gives (place, computingsite, jobtype, resource_type,
jobstatus) → jobs and running cores; the job type is classified in SQL from
prodsourcelabel, so the database does every count and the levels here are sums of
those grouped rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Count, Sum, Value, When
from django.db.models.functions import Coalesce

from jobs.query import JobQuery
from jobs.views.selection import JOB_STATES, display
from pandamon.errors import BadRequest
from pandamon.params import JOBTYPES

# BigPanDA's job type keys, and the /jobs/ jobtype= each is: the parser's label groups,
# so that a count and the job list it links to are the same jobs. (BigPanDA also puts
# prod_test/ptest under prod and rc_alrb/rc_test2 under analy.) Other labels (test,
# install, ddm) count only under "all".
JOBTYPE_FILTER = {"analy": "analysis", "prod": "production"}
JOBTYPE_LABELS = {key: JOBTYPES[name][1] for key, name in JOBTYPE_FILTER.items()}
ALL = "all"
SPLITS = ("jobtype", "resourcetype")


def jobtype_expression() -> Case:
    return Case(*(When(prodsourcelabel__in=labels, then=Value(name)) for name, labels in JOBTYPE_LABELS.items()),
                default=Value(None), output_field=models.CharField())


def running_cores() -> Sum:
    """Cores of running jobs: the pilot's actualcorecount, else the requested corecount."""
    integer = models.IntegerField()
    cores = Coalesce("actualcorecount", "corecount", Value(1), output_field=integer)
    return Sum(Case(When(jobstatus="running", then=cores), default=Value(0), output_field=integer),
               output_field=integer)


@dataclass
class Cell:
    """Jobs by state and running cores of one (jobtype, resourcetype) split."""

    states: Counter = field(default_factory=Counter)
    rcores: int = 0

    def add(self, state: str, n: int, rcores: int) -> None:
        self.states[state] += n
        self.rcores += rcores

    @property
    def total(self) -> int:
        return sum(self.states.values())

    @property
    def failrate(self) -> float | None:
        ended = self.states["finished"] + self.states["failed"]
        return round(100 * self.states["failed"] / ended, 1) if ended else None


Summary = dict  # {jobtype or "all": {resourcetype or "all": Cell}}


def grouped(query: JobQuery, place: str | None = None) -> Counter:
    """{(place, computingsite, jobtype, resource_type, jobstatus): (jobs, running cores)} summed
    over the tables read; `place` is an extra job column to group by (nucleus)."""
    columns = ([place] if place else []) + ["computingsite", "_jobtype", "resource_type", "jobstatus"]
    jobs: Counter = Counter()
    cores: Counter = Counter()
    for _, qs in query.querysets():
        rows = (qs.annotate(_jobtype=jobtype_expression()).values(*columns)
                .annotate(_n=Count("*"), _rcores=running_cores()).order_by())
        for row in rows:
            key = tuple(row[c] for c in columns)
            if not place:
                key = (None, *key)
            jobs[key] += row["_n"]
            cores[key] += row["_rcores"] or 0
    return {key: (n, cores[key]) for key, n in jobs.items()}


def add(summary: dict, jobtype: str | None, resourcetype: str | None, state: str, n: int, rcores: int) -> None:
    """One grouped row into a summary, under its split and the "all" margins."""
    rt = display(resourcetype)
    for jt in {ALL, jobtype} - {None}:
        for r in (ALL, rt):
            summary.setdefault(jt, {}).setdefault(r, Cell()).add(state, n, rcores)


def rollup(rows: dict, key) -> dict:
    """{key(row): summary} from grouped rows; `key` maps (place, site) to a name (None skips the row)."""
    out: dict = defaultdict(dict)
    for (place, site, jobtype, resourcetype, state), (n, rcores) in rows.items():
        name = key(place, site)
        if name is not None:
            add(out[name], jobtype, resourcetype, state, n, rcores)
    return dict(out)


def as_json(summary: dict) -> dict:
    """BigPanDA's shape: {jobtype: {resourcetype: [{jobstatus, count}] over every state}}."""
    return {jt: {rt: [{"jobstatus": s, "count": cell.states[s]} for s in _states(cell)]
                 for rt, cell in _ordered(by_rt)} for jt, by_rt in _ordered(summary)}


def _states(cell: Cell) -> list[str]:
    return list(JOB_STATES) + sorted(s for s in cell.states if s not in JOB_STATES)


def _ordered(d: dict):
    """"all" first, then by name."""
    return sorted(d.items(), key=lambda kv: (kv[0] != ALL, kv[0]))


def splits(summary: dict, splitby: tuple[str, ...]) -> list[tuple[str, str, Cell]]:
    """The (jobtype, resourcetype, cell) rows a table shows for `splitby`, BigPanDA's way:
    unsplit is the all/all row; a split shows its values without the "all" margin."""
    want_jt, want_rt = "jobtype" in splitby, "resourcetype" in splitby
    return [(jt, rt, cell) for jt, by_rt in _ordered(summary) for rt, cell in _ordered(by_rt)
            if (jt != ALL) == want_jt and (rt != ALL) == want_rt]


def total(summary: dict) -> Cell:
    return summary.get(ALL, {}).get(ALL, Cell())


def parse_splitby(name: str, value: str) -> tuple[str, ...]:
    terms = tuple(t.strip().lower() for t in value.split(",") if t.strip())
    bad = [t for t in terms if t not in SPLITS]
    if bad:
        raise BadRequest(f"{name} must be a comma list of {', '.join(SPLITS)}, got '{value}'")
    return terms
