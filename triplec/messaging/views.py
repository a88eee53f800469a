"""The webhook endpoint Meta (or the simulator) calls. A plain sync view: it must answer fast under WSGI."""

import hmac

from django.db import connection

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from .conf import conf
from .models import Channel
from .webhooks import processor, signature_valid, webhook_receive, webhook_store

_secrets: dict[str, list[str]] = {}


def _known(kind: str) -> list[str]:
    """The settings' secret plus those of channels that name their own variable (cached per process)."""
    if kind not in _secrets:
        field, setting = {"app": ("app_secret", "WHATSAPP_APP_SECRET"),
                          "verify": ("verify_token", "WHATSAPP_VERIFY_TOKEN")}[kind]
        values = {conf(setting)}
        env_field = f"{field}_env"
        for channel in Channel.objects.exclude(**{env_field: ""}):
            values.add(getattr(channel, field))
        _secrets[kind] = [v for v in values if v]
    return _secrets[kind]


@csrf_exempt
def webhook(request: HttpRequest) -> HttpResponse:
    """POST: signature check, one INSERT, 200. Processing runs right after, outside the request (see webhooks)."""
    if request.method == "GET":
        return _handshake(request)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    body = request.body
    if not signature_valid(body, request.headers.get("X-Hub-Signature-256"), _known("app")):
        return HttpResponseForbidden("invalid signature")
    mode = conf("WHATSAPP_WEBHOOK_PROCESSING")
    if mode == "inline" or connection.in_atomic_block:
        # Already inside a transaction (only the test client in a test transaction): no other thread could see
        # the row before it commits, so process it here.
        webhook_receive(body=body)
    else:
        pk = webhook_store(body=body)
        if pk is not None and mode == "thread":
            processor.submit(pk)
    return HttpResponse("ok", content_type="text/plain")


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
