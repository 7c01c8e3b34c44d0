"""PanDA's tables as DDL, for the demo, the tests and benchmarks (create_panda_schema).

Real deployments read an existing PanDA database and never run this.
"""

from jobs.ddl.layouts import LAYOUTS
from jobs.ddl.models import panda_models, period_model, placed_model
from jobs.ddl.offline import VENDORS, OfflineError, offline_connection
from jobs.ddl.schema import (
    DEFAULT_DAYS,
    DEFAULT_MONTHS,
    LayoutError,
    SchemaExistsError,
    create_schema,
    default_daily_span,
    default_span,
    drop_sql,
    existing_tables,
    layout_models,
    schema_sql,
    split_archive_tables,
)

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_MONTHS",
    "LAYOUTS",
    "VENDORS",
    "LayoutError",
    "OfflineError",
    "SchemaExistsError",
    "create_schema",
    "default_daily_span",
    "default_span",
    "drop_sql",
    "existing_tables",
    "layout_models",
    "offline_connection",
    "panda_models",
    "period_model",
    "placed_model",
    "schema_sql",
    "split_archive_tables",
]
