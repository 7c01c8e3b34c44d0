"""URL routes of sites."""

from django.urls import path  # noqa: F401

urlpatterns = [
]
