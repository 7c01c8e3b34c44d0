"""Create PanDA's tables in the "panda" database, or print their DDL (--sql).

For the demo, the tests and benchmarks: real deployments read an existing PanDA
database and never run this.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from jobs.archive import LAYOUTS, NAMINGS
from jobs.ddl import (
    DEFAULT_MONTHS,
    VENDORS,
    SchemaExistsError,
    create_schema,
    default_span,
    offline_connection,
    schema_sql,
)
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
            "--archive-layout",
            choices=LAYOUTS,
            default=None,
            help="partitioned jobsarchived or MySQL-era per-period tables (default: PANDA_ARCHIVE_LAYOUT)",
        )
        parser.add_argument(
            "--months",
            type=int,
            default=DEFAULT_MONTHS,
            help=f"months of history covered by partitions or period tables (default {DEFAULT_MONTHS})",
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
        layout = options["archive_layout"] or settings.PANDA_ARCHIVE_LAYOUT
        if layout not in LAYOUTS:
            raise CommandError(f"PANDA_ARCHIVE_LAYOUT={layout!r}; use one of {', '.join(LAYOUTS)}")
        start, end = default_span(options["months"])
        start, end = options["start"] or start, options["end"] or end
        if start > end:
            raise CommandError(f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}")
        ddl = {"layout": layout, "start": start, "end": end, "naming": options["split_naming"]}

        if options["sql"] is not None:
            vendor = options["sql"] or connections[options["database"]].vendor
            for statement in schema_sql(offline_connection(vendor), **ddl):
                self.stdout.write(f"{statement};")
            return

        connection = connections[options["database"]]
        try:
            statements = create_schema(connection, replace=options["replace"], **ddl)
        except SchemaExistsError as error:
            raise CommandError(f"{error} in database {options['database']!r}; use --replace") from error
        if options["verbosity"] >= 2:
            for statement in statements:
                self.stdout.write(f"{statement};")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"PanDA tables created in {options['database']!r} ({connection.vendor}): archive {layout}, "
                f"{start:%Y-%m-%d} to {end:%Y-%m-%d}."
            )
