"""How the webhook process is served (the demo's `hooks` process, the `webhook` bench, production). Every other
messaging setting lives in triplec/settings.py and is read through django.conf.settings."""

# Granian WSGI, one worker per core, each running the app in ONE thread. A POST is ~0.3 ms of Python: more app
# threads per worker only fight over the GIL, and processes write to SQLite in turn through core.writelock.
WEBHOOK_WORKERS, WEBHOOK_APP_THREADS = 2, 1
WEBHOOK_SERVER_ARGS = ("--workers", str(WEBHOOK_WORKERS), "--blocking-threads", str(WEBHOOK_APP_THREADS))
