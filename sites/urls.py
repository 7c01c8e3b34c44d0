"""URL routes of sites."""

from django.urls import path

from pandamon import urlforms
from sites import node, views

urlpatterns = [
    path("sites/", views.sites, name="sites"),
    path("site/", urlforms.site),  # /site/?site=NAME
    path("site/<str:name>/", views.site, name="site"),
    path("wns/<str:site>/", views.worker_nodes, name="wns"),
    path("wn/<str:site>/<str:node>/", node.worker_node, name="wn"),
]
