import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import permissions
from .selectors import confirmed_totp_device, two_factor_required
from .signals import SESSION_LAST_ACTIVITY, SESSION_LOGIN_AT


class OfficeTimezoneMiddleware:
    """Show times in the user's office time zone (WITA for Kupang); storage stays UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        office = getattr(user, "office", None) if user is not None and user.is_authenticated else None
        if office is not None:
            timezone.activate(zoneinfo.ZoneInfo(office.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


class IdleSessionMiddleware:
    """Log out a session idle longer than SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE in all.

    Only what a person does counts as activity: page loads, form posts and other writes. Background requests
    (the live inbox's event stream, progress polling: GETs a browser marks with a Sec-Fetch-Mode other than
    "navigate") do not keep an unattended screen logged in. The timestamp is written at most once a minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            started = request.session.get(SESSION_LOGIN_AT, now)
            idle = last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                request.triplec_logout_reason = "idle" if idle else "session age"
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.SESSION_IDLE_MINUTES}
                    if idle
                    else _("Your session has ended; please log in again."),
                )
            elif _is_activity(request) and (last is None or now - last > 60):
                request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)


def _is_activity(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return True
    return request.headers.get(
        "Sec-Fetch-Mode", "navigate"
    ) == "navigate" and "text/event-stream" not in request.headers.get("Accept", "")


# Paths a user who has not yet given the second factor may still reach.
TWO_FACTOR_EXEMPT = ("/account/2fa/", "/login/", "/logout/", "/i18n/", "/static/", "/whatsapp/", "/api/")


class TwoFactorMiddleware:
    """After the password, a user with a confirmed TOTP device gives a code before anything else; in production
    mode a user who may see taxpayer data and has none enrols first (settings.TWO_FACTOR_REQUIRED)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_EXEMPT)
        ):
            query = "?" + urlencode({"next": request.get_full_path()})
            if confirmed_totp_device(user) is not None:
                return redirect(f"/account/2fa/verify/{query}")
            if two_factor_required(user):
                return redirect(f"/account/2fa/setup/{query}")
        return self.get_response(request)


class PermissionMiddleware:
    """Every console request is checked against the permission matrix (accounts/permissions.py) before its view
    runs: the URL's declared action for the request's method, against the user's roles.

    Token URLs (the REST API) are checked by `api_view` once the token is known; Django's admin guards itself.
    A URL not declared in the matrix is left to its view (the test of the resolver fails until it is declared).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace in permissions.TOKEN_NAMESPACES:
            return None
        rule = permissions.route_rule(match.view_name, request.method, view_kwargs)
        if rule is None or rule in (permissions.PUBLIC, permissions.ADMIN_SITE):
            return None
        if rule == "":
            declared = permissions.ROUTES.get(match.view_name, {})
            return HttpResponseNotAllowed(sorted({*declared, *(["HEAD"] if "GET" in declared else [])}))
        user = request.user
        if not user.is_authenticated:
            if match.view_name in permissions.UNAUTHORISED_NOT_REDIRECTED:
                return HttpResponse(status=401)
            return redirect_to_login(request.get_full_path())
        if permissions.request_allowed(user, match.view_name, request.method, view_kwargs):
            return None
        if match.namespace in permissions.NOT_FOUND_NAMESPACES:
            raise Http404
        raise PermissionDenied
