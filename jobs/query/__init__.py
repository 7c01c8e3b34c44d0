"""The job query layer: every page and JSON endpoint asks it, never the models directly."""

from jobs.query.jobs import LIST_COLUMNS, SUMMARY_COLUMNS, JobQuery, Page

__all__ = ["LIST_COLUMNS", "SUMMARY_COLUMNS", "JobQuery", "Page"]
