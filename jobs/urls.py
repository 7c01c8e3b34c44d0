"""URL routes of jobs."""

from django.urls import path

from jobs.views import job, logs, statuslog

urlpatterns = [
    path("job/<str:pandaid>/", job.job_page, name="job"),
    path("job/", job.job_page),
    path("job", job.job_page),  # /job?pandaid=N without a redirect: scripts may not follow one
    path("job/<str:pandaid>/log/<path:name>", logs.log_view, name="joblog"),
    path("filebrowser/", logs.filebrowser, name="filebrowser"),
    path("jobstatuslog/<str:pandaid>/", statuslog.statuslog_page, name="jobstatuslog"),
]
