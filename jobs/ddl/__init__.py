"""PanDA's tables as DDL, for the demo, the tests and benchmarks (create_panda_schema).

Real deployments read an existing PanDA database and never run this.
"""

from jobs.ddl.models import panda_models, period_model
from jobs.ddl.offline import VENDORS, OfflineError, offline_connection
from jobs.ddl.schema import (
    DEFAULT_MONTHS,
    SchemaExistsError,
    create_schema,
    default_span,
    drop_sql,
    existing_tables,
    schema_sql,
    split_archive_tables,
)

__all__ = [
    "DEFAULT_MONTHS",
    "VENDORS",
    "OfflineError",
    "SchemaExistsError",
    "create_schema",
    "default_span",
    "drop_sql",
    "existing_tables",
    "offline_connection",
    "panda_models",
    "period_model",
    "schema_sql",
    "split_archive_tables",
]
