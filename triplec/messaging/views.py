"""The webhook endpoint Meta (or the simulator) calls. A plain sync view: it must answer fast under WSGI."""

import hmac

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from .models import Channel
from .request_body import MAX_BODY, BodyError, read_body
from .webhooks import signature_valid, webhook_receive

_secrets: dict[str, list[str]] = {}


def _known(kind: str) -> list[str]:
    """The settings' secret plus those of channels that name their own variable (cached per process)."""
    if kind not in _secrets:
        field, setting = {
            "app": ("app_secret", "WHATSAPP_APP_SECRET"),
            "verify": ("verify_token", "WHATSAPP_VERIFY_TOKEN"),
        }[kind]
        values = {getattr(settings, setting)}
        env_field = f"{field}_env"
        for channel in Channel.objects.exclude(**{env_field: ""}):
            values.add(getattr(channel, field))
        _secrets[kind] = [v for v in values if v]
    return _secrets[kind]


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    """POST through Django's full stack: signature check, one INSERT, then processing in the request.

    The webhook process in production and the demo runs `triplec.messaging.wsgi:application`, whose fast path
    answers right after the INSERT and processes afterwards; this view serves the same URL inside the main
    application (the tests' live servers, a single-process setup), where answering after processing keeps the
    order other parts of the product see simple. Processing failures still leave the event pending, not lost."""
    if request.method == "GET":
        return _handshake(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        body = _body(request)
    except BodyError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    if not signature_valid(body, request.headers.get("X-Hub-Signature-256"), _known("app")):
        return HttpResponseForbidden("invalid signature")
    webhook_receive(body=body)
    return HttpResponse("ok", content_type="text/plain")


def _body(request: HttpRequest) -> bytes:
    """The exact bytes sent. Under WSGI Django would read only Content-Length bytes (none of a chunked body), so
    the server's input is read here, the same way as on the fast path; under ASGI Django has the whole body."""
    if isinstance(request, WSGIRequest) and not hasattr(request, "_body") and not request._read_started:
        return read_body(request.environ)
    try:
        body = request.body
    except RequestDataTooBig:
        raise BodyError(413, "payload too large") from None
    if len(body) > MAX_BODY:
        raise BodyError(413, "payload too large")
    return body


def _handshake(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("hub.mode", "")
    token = request.GET.get("hub.verify_token", "")
    challenge = request.GET.get("hub.challenge", "")
    ok = False
    for known in _known("verify"):
        ok |= hmac.compare_digest(token.encode(), known.encode())
    if mode == "subscribe" and ok and challenge:
        return HttpResponse(challenge, content_type="text/plain")
    return HttpResponseForbidden("verification failed")


def ping(request: HttpRequest) -> HttpResponse:
    """The trivial view the webhook benchmark compares against."""
    return HttpResponse("ok", content_type="text/plain")
