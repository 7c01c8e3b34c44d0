from django.urls import include, path  # noqa: F401

from pandamon import views

urlpatterns = [
    path("robots.txt", views.robots_txt),
    path("health/", views.health),
]

handler404 = "pandamon.views.page_not_found"
handler500 = "pandamon.views.server_error"
handler400 = "pandamon.views.bad_request"
