"""URL routes of users."""

from django.urls import path  # noqa: F401

urlpatterns = [
]
