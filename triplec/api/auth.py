"""The REST API base: bearer-token auth, the caller's office scope, one JSON error format.

Every endpoint is a plain function view wrapped in `@api_view(...)`: it receives the request with
`request.api_user` and `request.api_token` set, returns a dict/list (200) or a `(status, body)` tuple, and
raises `ApiError` for anything the client must fix. Errors always look like
`{"error": {"code": "...", "message": "...", "field": "..."}}` (field only when one is to blame).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from triplec.accounts import permissions
from triplec.core.inputs import JsonBodyError, parse_json

from .models import ApiToken, hash_token

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 10 * 1024 * 1024


class ApiError(Exception):
    def __init__(self, code: str, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def error_response(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse(ApiError(code, message, status=status, field=field).body(), status=status)


def authenticate(request: HttpRequest) -> ApiToken:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError("unauthenticated", "Authorization: Bearer <token> diperlukan", status=401)
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw.strip()), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        raise ApiError("invalid_token", "Token tidak dikenal, dicabut, atau penggunanya nonaktif", status=401)
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:  # one write a minute at most
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def json_body(request: HttpRequest):
    if len(request.body) > MAX_BODY_BYTES:
        raise ApiError("too_large", "Badan permintaan lebih dari 10 MB; kirim dalam beberapa bagian", status=413)
    if not request.body:
        return {}
    try:
        return parse_json(request.body)
    except JsonBodyError as exc:
        raise ApiError("invalid_json", str(exc)) from None


def api_view(*methods: str, permission: str | None = None) -> Callable:
    """Wrap a JSON endpoint: method check, bearer auth, optional Django permission, JSON errors."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            try:
                if methods and request.method not in methods:
                    raise ApiError("method_not_allowed", f"Metode {request.method} tidak didukung", status=405)
                token = authenticate(request)
                request.api_token, request.api_user, request.user = token, token.user, token.user
                if permission and not token.user.has_perm(permission):
                    raise ApiError("forbidden", "Pengguna token ini tidak berwenang untuk tindakan ini", status=403)
                _check_matrix(request, token.user, kwargs)
                result = view(request, *args, **kwargs)
            except ApiError as exc:
                return JsonResponse(exc.body(), status=exc.status)
            except PermissionDenied:
                return error_response("forbidden", "Tidak berwenang", 403)
            except Exception:
                log.exception("API %s %s failed", request.method, request.path)
                return error_response("server_error", "Kesalahan pada server; sudah dicatat", 500)
            if isinstance(result, JsonResponse):
                return result
            status, body = result if isinstance(result, tuple) else (200, result)
            return JsonResponse(body, status=status, safe=False)

        return wrapper

    return decorate


def _check_matrix(request: HttpRequest, user, kwargs) -> None:
    """The permission matrix (accounts/permissions.py) for this URL and method, as the console applies it."""
    match = request.resolver_match
    if match is None:
        return
    rule = permissions.route_rule(match.view_name, request.method, kwargs)
    if rule in (None, "", *permissions.MARKERS):
        return
    if not permissions.allowed(user, rule):
        raise ApiError("forbidden", "Pengguna token ini tidak berwenang untuk tindakan ini", status=403)


def office_scope(request: HttpRequest) -> int | None:
    """The office the caller may act on: None for an administrator (every office)."""
    user = request.api_user
    if getattr(user, "is_administrator", False):
        return None
    if user.office_id is None:
        raise ApiError("no_office", "Pengguna token ini tidak terdaftar pada kantor mana pun", status=403)
    return user.office_id
