"""URL routes of tasks."""

from django.urls import path  # noqa: F401

urlpatterns = [
]
