"""The WSGI application for the process that receives WhatsApp's webhooks: Django's application with a fast path
in front of it for `POST /whatsapp/webhook`.

Why: measured under granian (docs/whatsapp-channel.md), what a signed single-status POST cost through Django's
handler was mostly not the HMAC or the INSERT but the database connection opened and closed around every request
(CONN_MAX_AGE=0: request_finished closes it; on SQLite closing the last connection also checkpoints the WAL), plus
the middleware stack (sessions, locale, CSRF, auth, messages, timezone) that a machine POST never needs. The
fast path does exactly what the view does (signature check in constant time, one INSERT, 200) on a connection
kept per server thread. Everything else, including the GET handshake, goes to Django unchanged.

Run it as `messaging.conf.WEBHOOK_SERVER_ARGS` says (one worker per core, one app thread each), e.g.
granian --interface wsgi --workers 2 --blocking-threads 1 triplec.messaging.wsgi:application
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)
from django.db import DatabaseError, connection  # noqa: E402

from triplec.core import wake  # noqa: E402

from .request_body import BodyError, read_body  # noqa: E402
from .views import _known  # noqa: E402
from .webhooks import processor, signature_valid, webhook_store  # noqa: E402

log = logging.getLogger(__name__)

PATHS = {"/whatsapp/webhook", "/whatsapp/webhook/"}
_STATUS = {400: "400 Bad Request", 411: "411 Length Required", 413: "413 Content Too Large"}


def _reply(start_response, status: str, text: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


def _store(body: bytes) -> int | None:
    """One INSERT on this thread's connection; a connection the server dropped is replaced once."""
    try:
        return webhook_store(body=body)
    except DatabaseError:
        if connection.is_usable():
            raise
        connection.close()
        return webhook_store(body=body)


def webhook_fast(environ, start_response) -> list[bytes]:
    try:
        body = read_body(environ)  # with Content-Length, or chunked (granian de-chunks it)
    except BodyError as exc:
        return _reply(start_response, _STATUS[exc.status], exc.message.encode())
    if not signature_valid(body, environ.get("HTTP_X_HUB_SIGNATURE_256"), _known("app")):
        return _reply(start_response, "403 Forbidden", b"invalid signature")
    try:
        pk = _store(body)
    except Exception:  # not stored: answer 500 so that Meta (or the simulator) sends it again
        log.exception("webhook not stored")
        return _reply(start_response, "500 Internal Server Error", b"not stored")
    if pk is not None:
        if settings.WHATSAPP_WEBHOOK_PROCESSING == "thread":
            processor.submit(pk)
        else:
            wake.notify(wake.WEBHOOKS)  # `triplec process_webhooks --loop` takes it at once
    return _reply(start_response, "200 OK", b"ok")


def application(environ, start_response):
    if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") in PATHS:
        return webhook_fast(environ, start_response)
    return django_application(environ, start_response)
