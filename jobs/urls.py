"""URL routes of jobs."""

from django.urls import path

from jobs.views import dash, errors, job, joblist, logs, statuslog
from pandamon import urlforms

urlpatterns = [
    path("", dash.dash, name="home"),
    path("dash/", dash.dash, name="dash"),
    path("jobs/", joblist.jobs, name="jobs"),
    path("jobs/<str:field>/<str:value>/", urlforms.jobs_filtered),  # BigPanDA's path form of ?field=value
    path("errors/", errors.errors, name="errors"),
    path("job/<str:pandaid>/", job.job_page, name="job"),
    path("job/", job.job_page),
    path("job", job.job_page),  # /job?pandaid=N (or jobname=, batchid=) without a redirect
    path("job/<str:pandaid>/log/<path:name>", logs.log_view, name="joblog"),
    path("filebrowser/", logs.filebrowser, name="filebrowser"),
    path("jobstatuslog/<str:pandaid>/", statuslog.statuslog_page, name="jobstatuslog"),
]
