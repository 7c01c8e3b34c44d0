"""URL routes of the region and world dashboards."""

from django.urls import path

from dashboards import views

urlpatterns = [
    path("dash/region/", views.region, name="dash-region"),
    path("dash/world/", views.world, name="dash-world"),
    path("dash/production/", views.production, name="dash-production"),
    path("dash/analysis/", views.analysis, name="dash-analysis"),
]
