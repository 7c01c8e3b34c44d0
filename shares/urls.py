"""URL routes of global shares and work queues."""

from django.urls import path

from shares import views

urlpatterns = [
    path("globalshares/", views.globalshares, name="globalshares"),
    path("workqueues/", views.workqueues, name="workqueues"),
]
