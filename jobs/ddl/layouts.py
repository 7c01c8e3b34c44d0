"""Which of PanDA's tables each layout has, in which schema, and how each is partitioned.

- ``pandamon``: the monitor's own layouts (MySQL era and the demo): legacy
  schedconfig/cloudconfig, the archive range-partitioned by month (or split into
  per-period tables, jobs.archive), every other table plain.
- ``postgres-doma``: PanDA's official PostgreSQL schema (panda-schema-jedi.md §1, §2):
  doma_panda / doma_pandaarch as named by PANDA_SCHEMA / PANDA_ARCHIVE_SCHEMA,
  monthly jobsarchived4, daily companions and logs, a plain archive with PanDA's
  indexes, the sequences of §3; no schedconfig/cloudconfig. Partitions are created
  here up front (a plain server: no pg_partman), with a DEFAULT partition each.
- ``oracle-atlas``: ATLAS's Oracle schemas ATLAS_PANDA / ATLAS_PANDAARCH: daily
  ranges on the operational tables, monthly ranges on the archive and its
  companions, LOCAL indexes. Printed only (--sql oracle).

Tables are selected by name, so a model added later joins every layout that does
not exclude its table.
"""

from __future__ import annotations

from dataclasses import dataclass

# Tables that live in the archive schema (PANDA_ARCHIVE_SCHEMA, doma_pandaarch, ATLAS_PANDAARCH).
ARCHIVE_TABLES = frozenset({"jobsarchived", "filestable_arch", "jobparamstable_arch", "metatable_arch"})
LEGACY_QUEUE_TABLES = frozenset({"schedconfig", "cloudconfig"})  # dropped from PanDA in 2024
CURRENT_QUEUE_TABLES = frozenset({"schedconfig_json", "site", "panda_site"})

DAY, MONTH = "day", "month"


@dataclass(frozen=True)
class Ranges:
    """RANGE partitions of one table on a time column, one per `interval`."""

    key: str
    interval: str


@dataclass(frozen=True)
class Sequence:
    name: str
    cache: int = 1
    maxvalue: int | None = None
    cycle: bool = False


@dataclass(frozen=True)
class Layout:
    name: str
    excluded: frozenset[str]
    partitions: dict[str, Ranges]
    vendor: str | None = None  # the one backend it is built for, if any
    schemas: tuple[str, str] | None = None  # fixed (main, archive); None: from settings
    needs_schemas: bool = False  # refuse to build it in the connection's own schema
    archive_indexes: tuple[tuple[str, ...], ...] | None = None  # PanDA's, replacing the model's
    sequences: tuple[Sequence, ...] = ()
    printed_only: bool = False


# doma_panda's sequences (§3); writers call nextval explicitly, no column defaults to one.
PANDA_SEQUENCES = (
    Sequence("jobsdefined4_pandaid_seq"),
    Sequence("filestable4_row_id_seq", cache=20),
    Sequence("jedi_datasets_id_seq"),
    Sequence("jedi_dataset_cont_fileid_seq", cache=100),
    Sequence("subcounter_subid_seq", maxvalue=9_999_999, cycle=True),
    Sequence("jedi_output_template_id_seq"),
    Sequence("jedi_work_queue_id_seq"),
    Sequence("group_jobid_seq"),
    Sequence("harvester_command_id_seq"),
    Sequence("retryactions_id_seq"),
    Sequence("retryerrors_id_seq"),
    Sequence("jedi_data_carousel_request_id_seq"),
    Sequence("workflow_id_seq"),
    Sequence("workflow_step_id_seq"),
    Sequence("workflow_data_id_seq"),
)

# The archive's indexes in PanDA (panda-schema.md §2.2; the PostgreSQL copy has the
# same keys): pandaid is not unique, and nothing leads with modificationtime.
PANDA_ARCHIVE_INDEXES = (
    ("pandaid",),
    ("jeditaskid", "pandaid"),
    ("computingsite", "jobstatus", "prodsourcelabel", "processingtype", "pandaid"),
    ("taskid", "prodsourcelabel", "jobstatus", "processingtype", "pandaid"),
    ("produsername", "jobstatus", "prodsourcelabel", "jobsetid", "jobdefinitionid"),
    ("jobsetid", "produsername"),
    ("jobdefinitionid", "produsername"),
    ("prodsourcelabel", "jobstatus"),
    ("statechangetime",),
    ("exeerrorcode",),
    ("specialhandling",),
    ("jobname",),
    ("batchid",),
    ("reqid",),
)

PANDAMON = Layout(
    name="pandamon",
    excluded=CURRENT_QUEUE_TABLES,
    partitions={"jobsarchived": Ranges("modificationtime", MONTH)},
)

POSTGRES_DOMA = Layout(
    name="postgres-doma",
    excluded=LEGACY_QUEUE_TABLES,
    vendor="postgresql",
    needs_schemas=True,
    partitions={
        "jobsarchived4": Ranges("modificationtime", MONTH),
        "filestable4": Ranges("modificationtime", DAY),
        "jobparamstable": Ranges("modificationtime", DAY),
        "metatable": Ranges("modificationtime", DAY),
        "jobs_statuslog": Ranges("modificationtime", DAY),
        "pandalog": Ranges("bintime", DAY),
        "tasks_statuslog": Ranges("modificationtime", DAY),
        "jedi_job_retry_history": Ranges("ins_utc_tstamp", DAY),
        "harvester_workers": Ranges("lastupdate", DAY),
    },
    archive_indexes=PANDA_ARCHIVE_INDEXES,
    sequences=PANDA_SEQUENCES,
)

ORACLE_ATLAS = Layout(
    name="oracle-atlas",
    excluded=LEGACY_QUEUE_TABLES,
    vendor="oracle",
    schemas=("ATLAS_PANDA", "ATLAS_PANDAARCH"),
    partitions={
        "jobsarchived4": Ranges("modificationtime", DAY),
        "filestable4": Ranges("modificationtime", DAY),
        "jobparamstable": Ranges("modificationtime", DAY),
        "metatable": Ranges("modificationtime", DAY),
        "jobs_statuslog": Ranges("modificationtime", DAY),
        "pandalog": Ranges("bintime", DAY),
        "jobsarchived": Ranges("modificationtime", MONTH),
        "filestable_arch": Ranges("modificationtime", MONTH),
        "jobparamstable_arch": Ranges("modificationtime", MONTH),
        "metatable_arch": Ranges("modificationtime", MONTH),
    },
    archive_indexes=PANDA_ARCHIVE_INDEXES,
    sequences=PANDA_SEQUENCES,
    printed_only=True,
)

LAYOUTS = {layout.name: layout for layout in (PANDAMON, POSTGRES_DOMA, ORACLE_ATLAS)}


def get(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        raise ValueError(f"unknown layout {name!r}; use one of {', '.join(LAYOUTS)}") from None
