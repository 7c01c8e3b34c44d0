from jobs.models.job import (
    ERROR_COMPONENTS,
    JOB_COLUMNS,
    JOB_MODELS,
    LIVE_JOB_MODELS,
    JobBase,
    Jobsactive4,
    Jobsarchived,
    Jobsarchived4,
    Jobsdefined4,
    Jobswaiting4,
)
from jobs.models.related import Filestable4, JediTask, Jobparamstable, JobsStatuslog, Pandalog

__all__ = [
    "ERROR_COMPONENTS",
    "JOB_COLUMNS",
    "JOB_MODELS",
    "LIVE_JOB_MODELS",
    "Filestable4",
    "JediTask",
    "JobBase",
    "Jobparamstable",
    "JobsStatuslog",
    "Jobsactive4",
    "Jobsarchived",
    "Jobsarchived4",
    "Jobsdefined4",
    "Jobswaiting4",
    "Pandalog",
]
