"""Login and logout by OIDC, the personal start page, preferences and saved views."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from requests import RequestException

from accounts import oidc, tokens
from accounts.forms import PreferenceForm, SavedViewForm
from accounts.models import Preference, SavedView
from pandamon.responses import error_response

log = logging.getLogger(__name__)
NEXT_KEY = "pandamon_login_next"  # where to land after the provider sends the user back


def _safe_next(request: HttpRequest, target: str | None) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/accounts/"


def login(request: HttpRequest) -> HttpResponse:
    if not oidc.configured():
        return error_response(request, "login is not configured on this monitor (PANDAMON_OIDC_ISSUER, "
                                       "PANDAMON_OIDC_CLIENT_ID)", status=503)
    request.session[NEXT_KEY] = _safe_next(request, request.GET.get("next"))
    try:
        return oidc.client().authorize_redirect(request, request.build_absolute_uri("/accounts/callback/"))
    except RequestException as error:
        log.warning("OIDC provider unreachable: %s", error)
        return error_response(request, "the identity provider does not answer; try again shortly", status=503)


def callback(request: HttpRequest) -> HttpResponse:
    from authlib.integrations.base_client import OAuthError  # see accounts.oidc: imported on use

    if not oidc.configured():
        return error_response(request, "login is not configured on this monitor", status=503)
    try:
        token = oidc.client().authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims:
            raise oidc.Refused("the provider sent no ID token (is 'openid' in PANDAMON_OIDC_SCOPES?)")
        person = oidc.person_from_claims(dict(claims))
    except OAuthError as error:
        return error_response(request, f"login failed: {error.description or error.error}", status=400)
    except oidc.Refused as error:
        return error_response(request, f"login refused: {error}", status=403)
    except RequestException as error:
        log.warning("OIDC provider unreachable: %s", error)
        return error_response(request, "the identity provider does not answer; try again shortly", status=503)
    except Exception as error:  # joserfc's checks of the ID token (signature, audience, expiry, nonce)
        if type(error).__module__.startswith(("joserfc", "authlib")):
            return error_response(request, f"login refused: invalid ID token: {error}", status=403)
        raise
    user = auth.authenticate(request, person=person)
    if user is None:
        return error_response(request, "login refused: this account is disabled", status=403)
    target = request.session.pop(NEXT_KEY, "/accounts/")
    auth.login(request, user)  # a new session key: no fixation
    tokens.store(user, token, claims)
    return HttpResponseRedirect(target)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        tokens.forget(request.user)
    auth.logout(request)
    target = request.POST.get("next")
    # Back to the page logged out from, unless it is a personal one.
    safe = target and not target.startswith(("/accounts/", "/my/")) and _safe_next(request, target) == target
    return HttpResponseRedirect(target if safe else "/")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The personal start page: who the monitor thinks you are, your work, your views."""
    identity = getattr(request.user, "identity", None)
    preference = Preference.objects.filter(user=request.user).first()
    from accounts.models import ApiToken  # the API tokens' room is this app too

    return render(request, "accounts/home.html", {
        "identity": identity,
        "preference": preference,
        "saved_views": SavedView.objects.filter(user=request.user),
        "api_tokens": ApiToken.objects.filter(user=request.user, revoked__isnull=True),
        "new_token": request.session.pop("pandamon_new_token", None),
        "has_token": bool(tokens.current_id_token(request.user)) if identity and identity.sub else False,
    })


def _personal_filters(request: HttpRequest) -> dict[str, str]:
    preference = Preference.objects.filter(user=request.user).first()
    extra = {}
    if preference and preference.hours:
        extra["hours"] = str(preference.hours)
    if preference and preference.vo:
        extra["vo"] = preference.vo
    return extra


def _produsername(request: HttpRequest) -> str:
    identity = getattr(request.user, "identity", None)
    return identity.produsername if identity and identity.produsername else request.user.get_username()


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    query = {"produsername": _produsername(request), **_personal_filters(request)}
    return HttpResponseRedirect("/jobs/?" + urlencode(query))


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    query = {"username": _produsername(request), **_personal_filters(request)}
    query.pop("hours", None)  # a task list has no job window
    return HttpResponseRedirect("/tasks/?" + urlencode(query))


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    instance = Preference.objects.filter(user=request.user).first() or Preference(user=request.user)
    form = PreferenceForm(request.POST, instance=instance)
    if not form.is_valid():
        return error_response(request, _form_errors(form), status=400)
    form.save()
    return HttpResponseRedirect("/accounts/")


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST, instance=SavedView(user=request.user))
    if not form.is_valid():
        return error_response(request, _form_errors(form), status=400)
    if SavedView.objects.filter(user=request.user, name=form.cleaned_data["name"]).exists():
        return error_response(request, f"name: you already have a view named '{form.cleaned_data['name']}'",
                              status=400)
    form.save()
    return HttpResponseRedirect("/accounts/")


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    get_object_or_404(SavedView, pk=view_id, user=request.user).delete()
    return HttpResponseRedirect("/accounts/")


def _form_errors(form) -> str:
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())


def login_enabled() -> bool:
    return oidc.configured() or bool(settings.PANDAMON_TRUSTED_PROXIES)
