"""URL routes of accounts: login, the personal start page, preferences, saved views, API tokens."""

from django.urls import path

from accounts import apitokens, views

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/callback/", views.callback, name="oidc-callback"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/", views.home, name="account"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/views/", views.save_view, name="save-view"),
    path("accounts/views/<int:view_id>/delete/", views.delete_view, name="delete-view"),
    path("accounts/tokens/", apitokens.create, name="create-token"),
    path("accounts/tokens/<int:token_id>/revoke/", apitokens.revoke, name="revoke-token"),
    path("my/jobs/", views.my_jobs, name="my-jobs"),
    path("my/tasks/", views.my_tasks, name="my-tasks"),
]
