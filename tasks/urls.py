"""URL routes of tasks."""

from django.urls import path  # noqa: F401

from tasks import views

urlpatterns = [
    path("tasks/", views.task_list),
    path("task/<str:taskid>/", views.task_page),
]
