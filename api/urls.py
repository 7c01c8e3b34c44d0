"""URL routes of api (mounted at /api/)."""

from django.urls import path

from api import views

urlpatterns = [
    path("", views.index, name="api-index"),
    path("openapi.json", views.openapi_json, name="api-openapi"),
    path("jobs/status/", views.jobs_status, name="api-jobs-status"),
    path("support/maxpandaid/", views.support_maxpandaid, name="api-maxpandaid"),
]
