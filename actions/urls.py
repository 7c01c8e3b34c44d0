"""URL routes of actions: confirmation pages and actions, and their JSON API for scripts
(one route per command, so the OpenAPI description names each)."""

from django.urls import path

from actions import views

urlpatterns = [
    path("actions/jobs/<str:verb>/", views.jobs, name="job-action"),
    path("actions/task/<str:jeditaskid>/<str:verb>/", views.task, name="task-action"),
    *(path(f"api/actions/jobs/{verb}/", views.api_jobs, {"verb": verb}) for verb in views.JOB_VERBS),
    *(path(f"api/actions/task/<str:jeditaskid>/{verb}/", views.api_task, {"verb": verb}) for verb in views.TASK_VERBS),
]
