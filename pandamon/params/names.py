"""The parameter names and limits every page's query string is checked against (web contract: Conventions)."""

from __future__ import annotations

from django.db import models

from jobs.errorcodes import CATEGORIES
from jobs.models import Jobsactive4

MAX_LIST_VALUES = 10_000
# BigPanDA's largest list (all jobs of one task, 200,000); a larger limit is clamped to it, and the
# answer says so (limit_clamped): BigPanDA has no maximum, and scripts send limit=10000000.
MAX_LIMIT = 200_000
DEFAULT_LIMIT = 1000
DEFAULT_DISPLAY_LIMIT = 100
MAX_DISPLAY_LIMIT = 5000
MAX_DAYS = 3650
NOT_SPECIFIED = "Not specified"

# Accepted and ignored: scripts use them to defeat caches; `json` selects the format.
IGNORED = frozenset({"json", "timestamp", "_"})
WINDOW_PARAMS = frozenset({"hours", "days", "date_from", "date_to", "earlierthan", "earlierthandays"})
CONTROL_PARAMS = frozenset({"jobtype", "sortby", "limit", "display_limit", "fields", "outputs", "extra"})
# BigPanDA's parameters that select jobs without being a job column; count links keep them.
SELECTION_PARAMS = frozenset({"mode", "region", "harvesterinstance", "errorcategory"})
# errorcategory=site|payload: jobs with an error of one of these categories (failures.categories).
ERROR_CATEGORIES = tuple(CATEGORIES)
# A lookup by one of these with no explicit window searches every table, unbounded.
ID_COLUMNS = ("pandaid", "jobname", "jeditaskid", "taskid", "jobsetid")

JOB_FIELDS: dict[str, models.Field] = {f.column: f for f in Jobsactive4._meta.concrete_fields}
# Columns shoppers filter on but that are not plain values (big text).
UNFILTERABLE = frozenset({"jobparameters", "metadata"})

JOBTYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (column, values)   — prodsourcelabel groups as shifters use them
    "analysis": ("prodsourcelabel", ("user", "panda")),
    "production": ("prodsourcelabel", ("managed",)),
    "test": ("prodsourcelabel", ("test", "prod_test", "ptest", "rc_test", "rc_test2", "rc_alrb")),
    "install": ("prodsourcelabel", ("install",)),
    "ddm": ("prodsourcelabel", ("ddm",)),
    "eventservice": ("eventservice", ()),  # any non-zero eventservice
}

# BigPanDA's other spellings of a job column (its setupView): the same filter.
COLUMN_SYNONYMS = {"user": "produsername", "username": "produsername", "resourcetype": "resource_type"}
# BigPanDA matches jobtype by prefix (anal*, prod*) and knows esmerge.
JOBTYPES["esmerge"] = ("eventservice", (2,))
JOBTYPE_PREFIXES = (("anal", "analysis"), ("prod", "production"))
# mode=drop hides attempts superseded by a retry (jobs.query.drop); nodrop, the default, shows all;
# dropped (pandamon's own) selects only the attempts drop hides, for the link "N hidden by mode=drop".
MODES = ("drop", "nodrop", "dropped")
# BigPanDA's <column>range=A|B, and <column>_from / <column>_to, on a job's time columns:
# a time range on that column that replaces the window.
TIME_COLUMNS = tuple(c for c, f in JOB_FIELDS.items() if isinstance(f, models.DateTimeField))
RANGE_PARAMS = frozenset(f"{c}range" for c in TIME_COLUMNS)
BOUND_PARAMS = frozenset(f"{c}_{end}" for c in TIME_COLUMNS for end in ("from", "to"))
TIME_RANGE_PARAMS = RANGE_PARAMS | BOUND_PARAMS

# BigPanDA's summaries (attribute and error summaries, site list) take sortby=count|alpha.
SUMMARY_SORTS = ("count", "alpha")
SORT_KEYS = ("time", "create", "statetime", "priority", "duration", "attemptnr", "pandaid")
