"""Create PanDA's tables in the "panda" database, or print their DDL (--sql).

For the demo, the tests and benchmarks: real deployments read an existing PanDA
database and never run this.

Layouts (jobs.ddl.layouts): `pandamon` (the monitor's own, MySQL era; its archive
partitioned or split), `postgres-doma` (PanDA's official PostgreSQL schema, in
PANDA_SCHEMA / PANDA_ARCHIVE_SCHEMA), `oracle-atlas` (ATLAS_PANDA / ATLAS_PANDAARCH,
printed with --sql oracle only: no Oracle server is set up here).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from jobs.archive import LAYOUTS as ARCHIVE_LAYOUTS
from jobs.archive import NAMINGS
from jobs.ddl import (
    DEFAULT_DAYS,
    DEFAULT_MONTHS,
    LAYOUTS,
    VENDORS,
    LayoutError,
    SchemaExistsError,
    create_schema,
    default_daily_span,
    default_span,
    offline_connection,
    schema_sql,
)
from pandamon import dbsession
from pandamon.routers import PANDA_DB


def _date(value: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d")
    except ValueError as error:
        raise CommandError(f"expected a date YYYY-MM-DD, got {value!r}") from error


class Command(BaseCommand):
    help = "Create PanDA's tables (demo/tests only), or print their DDL for a backend with --sql."
    requires_system_checks = []  # the PanDA schema check fails until this has run

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=PANDA_DB, help="database alias (default: panda)")
        parser.add_argument("--replace", action="store_true", help="drop existing PanDA tables first")
        parser.add_argument(
            "--layout",
            choices=tuple(LAYOUTS),
            default=None,
            help="pandamon, PanDA's official postgres-doma, or oracle-atlas (printed only) (default: PANDA_LAYOUT)",
        )
        parser.add_argument(
            "--archive-layout",
            choices=ARCHIVE_LAYOUTS,
            default=None,
            help="pandamon layout: partitioned jobsarchived or MySQL-era per-period tables "
            "(default: PANDA_ARCHIVE_LAYOUT)",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=DEFAULT_MONTHS,
            help=f"pandamon layout: months of history in partitions or period tables (default {DEFAULT_MONTHS})",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"postgres-doma, oracle-atlas: days of history covered by daily partitions (default {DEFAULT_DAYS})",
        )
        parser.add_argument("--from", dest="start", type=_date, help="first day covered, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=_date, help="last day covered, YYYY-MM-DD")
        parser.add_argument(
            "--split-naming",
            choices=NAMINGS,
            default="pair",
            help="split tables named jobsArchived_Jan_Feb_2007 (pair) or jobsArchived_Dec2007 (first)",
        )
        parser.add_argument(
            "--sql",
            nargs="?",
            const="",
            choices=("", *VENDORS),
            metavar=f"{{{','.join(VENDORS)}}}",
            help="print the DDL for a backend (default: the database's) without connecting, and exit",
        )

    def handle(self, *args, **options) -> None:
        layout = options["layout"] or settings.PANDA_LAYOUT
        if layout not in LAYOUTS:
            raise CommandError(f"PANDA_LAYOUT={layout!r}; use one of {', '.join(LAYOUTS)}")
        archive_layout = options["archive_layout"] or settings.PANDA_ARCHIVE_LAYOUT
        if archive_layout not in ARCHIVE_LAYOUTS:
            raise CommandError(f"PANDA_ARCHIVE_LAYOUT={archive_layout!r}; use one of {', '.join(ARCHIVE_LAYOUTS)}")
        if layout != "pandamon" and options["archive_layout"]:
            raise CommandError(f"--archive-layout is the pandamon layout's; {layout} has its own archive")
        start, end = default_span(options["months"]) if layout == "pandamon" else default_daily_span(options["days"])
        start, end = options["start"] or start, options["end"] or end
        if start > end:
            raise CommandError(f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}")
        ddl = {
            "layout": layout,
            "archive_layout": archive_layout if layout == "pandamon" else "partitioned",
            "start": start,
            "end": end,
            "naming": options["split_naming"],
        }

        if options["sql"] is not None:
            vendor = options["sql"] or connections[options["database"]].vendor
            try:
                statements = schema_sql(offline_connection(vendor), **ddl)
            except LayoutError as error:
                raise CommandError(str(error)) from error
            for statement in statements:
                self.stdout.write(f"{statement};")
            return

        connection = connections[options["database"]]
        dbsession.allow_writes(connection)  # the demo/test data: written on purpose
        try:
            statements = create_schema(connection, replace=options["replace"], **ddl)
        except SchemaExistsError as error:
            raise CommandError(f"{error} in database {options['database']!r}; use --replace") from error
        except LayoutError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] >= 2:
            for statement in statements:
                self.stdout.write(f"{statement};")
        if options["verbosity"] >= 1:
            archive = f"archive {archive_layout}" if layout == "pandamon" else "PanDA's partitioning"
            self.stdout.write(
                f"PanDA tables created in {options['database']!r} ({connection.vendor}), layout {layout}: "
                f"{archive}, {start:%Y-%m-%d} to {end:%Y-%m-%d}."
            )
