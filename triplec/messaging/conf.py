"""The messaging app's tuning knobs and their defaults. The channel's address and credentials (`WHATSAPP_BASE_URL`,
`WHATSAPP_ACCESS_TOKEN`, ...) live in triplec/settings.py; `conf()` reads those too."""

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Which provider class talks to the base URL: "simulator" can also be asked whether it received a message
    # (crash recovery), "cloudapi" is the real Meta Cloud API.
    "WHATSAPP_PROVIDER": "simulator",
    # Client timeouts (seconds).
    "WHATSAPP_CONNECT_TIMEOUT": 3.0,
    "WHATSAPP_READ_TIMEOUT": 10.0,
    # Webhook processing after the fast path's 200 (triplec.messaging.wsgi): "thread" = a processing thread in the
    # web process, woken by each POST (events it could not process are retried by `triplec process_webhooks
    # --loop` and the dispatcher); "loop" = only `triplec process_webhooks --loop` processes.
    "WHATSAPP_WEBHOOK_PROCESSING": "thread",
    # Dispatcher.
    "WHATSAPP_DISPATCH_BATCH": 200,
    "WHATSAPP_DISPATCH_THREADS": 24,
    "WHATSAPP_MAX_ATTEMPTS": 6,
    "WHATSAPP_RETRY_BASE_SECONDS": 5.0,
    "WHATSAPP_RETRY_MAX_SECONDS": 900.0,
    # A message still queued this long after it was enqueued is "too old to send" (unless not_after says otherwise).
    "WHATSAPP_MAX_AGE_SECONDS": 3 * 24 * 3600,
    # A "sending" claim older than this belongs to a dead dispatcher and is resolved, then retried.
    "WHATSAPP_STALE_CLAIM_SECONDS": 60.0,
    # For the real Cloud API (which cannot be asked): how long to wait for a status webhook echoing our id
    # before an unresolved in-flight message is sent again.
    "WHATSAPP_RESOLVE_GRACE_SECONDS": 600.0,
    # Per-recipient (pair) limit we keep ourselves: at most COUNT messages to one user per SECONDS.
    "WHATSAPP_PAIR_LIMIT_COUNT": 5,
    "WHATSAPP_PAIR_LIMIT_SECONDS": 6.0,
}


# How the webhook process is served (the demo's `hooks` process, the `webhook` bench, production): granian WSGI,
# one worker per core, each running the app in ONE thread. A POST is ~0.3 ms of Python: more app threads per
# worker only fight over the GIL (2 cores, 8 clients: 1,150-1,750 POSTs/s with granian's default threads and 8 in
# the demo, 2,100-3,000 with one), and processes write to SQLite in turn through core.writelock.
WEBHOOK_WORKERS, WEBHOOK_APP_THREADS = 2, 1
WEBHOOK_SERVER_ARGS = ("--workers", str(WEBHOOK_WORKERS), "--blocking-threads", str(WEBHOOK_APP_THREADS))


def conf(name: str) -> Any:
    """The Django setting if set, else the environment variable of the same name (so a dispatcher started as a
    subprocess can be tuned), else the default."""
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    return type(default)(raw) if not isinstance(default, bool) else raw.lower() in {"1", "true", "yes"}
