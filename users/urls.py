"""URL routes of users."""

from django.urls import path

from pandamon import urlforms
from users import views

urlpatterns = [
    path("users/", views.users, name="users"),
    path("user/", urlforms.user),  # /user/?user=NAME
    # path: a produsername may hold any character, '/' included once percent-decoded.
    path("user/<path:name>/", views.user, name="user"),
]
