"""URL routes of jobs."""

from django.urls import path

from jobs.views import dash, errors, job, joblist, logs, statuslog

urlpatterns = [
    path("", dash.dash, name="home"),
    path("dash/", dash.dash, name="dash"),
    path("jobs/", joblist.jobs, name="jobs"),
    path("errors/", errors.errors, name="errors"),
    path("job/<str:pandaid>/", job.job_page, name="job"),
    path("job/", job.job_page),
    path("job", job.job_page),  # /job?pandaid=N without a redirect: scripts may not follow one
    path("job/<str:pandaid>/log/<path:name>", logs.log_view, name="joblog"),
    path("filebrowser/", logs.filebrowser, name="filebrowser"),
    path("jobstatuslog/<str:pandaid>/", statuslog.statuslog_page, name="jobstatuslog"),
]
