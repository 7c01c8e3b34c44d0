"""URL routes of tasks."""

from django.urls import path

from pandamon import urlforms
from tasks import views

urlpatterns = [
    path("tasks/", views.task_list),
    path("task/", urlforms.task),  # /task/?jeditaskid=N, /task/?taskname=NAME
    path("task/<str:taskid>/", views.task_page),
]
