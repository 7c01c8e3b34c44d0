from django.urls import include, path, re_path

from pandamon import metrics, search, urlforms, views

urlpatterns = [
    path("robots.txt", views.robots_txt),
    path("health/", views.health),
    path("metrics/", metrics.metrics),
    path("search/", search.search),
    path("", include("jobs.urls")),
    path("", include("dashboards.urls")),
    path("", include("harvester.urls")),
    path("", include("shares.urls")),
    path("", include("sites.urls")),
    path("", include("users.urls")),
    path("", include("tasks.urls")),
    path("", include("accounts.urls")),
    path("", include("actions.urls")),
    path("api/", include("api.urls")),
    # Last: any page without its trailing slash is that page, answered in place (no redirect).
    re_path(r"^(?P<path>.*[^/])$", urlforms.without_slash),
]

handler404 = "pandamon.views.page_not_found"
handler500 = "pandamon.views.server_error"
handler400 = "pandamon.views.bad_request"
