"""URL routes of the Harvester pages."""

from django.urls import path

from harvester import views

urlpatterns = [
    path("harvester/instances/", views.instances, name="harvester-instances"),
    path("harvester/workers/", views.workers, name="harvester-workers"),
    path("harvester/worker/<str:harvesterid>/<str:workerid>/", views.worker, name="harvester-worker"),
]
