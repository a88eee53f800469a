import zoneinfo

from django.utils import timezone


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
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied
        from django.http import Http404, HttpResponse, HttpResponseNotAllowed

        from . import permissions

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
