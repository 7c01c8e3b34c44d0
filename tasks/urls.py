"""URL routes of tasks."""

from django.urls import path

from pandamon import urlforms
from tasks import views, views_files

urlpatterns = [
    path("tasks/", views.task_list),
    path("task/", urlforms.task),  # /task/?jeditaskid=N, /task/?taskname=NAME
    path("task/<str:taskid>/", views.task_page),
    path("datasets/", views_files.dataset_list),
    path("dataset/", views_files.dataset_page),
    path("dataset/<str:datasetid>/", views_files.dataset_page),
    path("files/", views_files.file_list),
    path("file/", views_files.file_page),
]
