"""URL routes of users."""

from django.urls import path

from users import views

urlpatterns = [
    path("users/", views.users, name="users"),
    # path: a produsername may hold any character, '/' included once percent-decoded.
    path("user/<path:name>/", views.user, name="user"),
]
