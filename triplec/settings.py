"""The one settings file. Everything that differs between a laptop and production comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE (for secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


DATA_DIR = Path(env("TRIPLEC_DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("TRIPLEC_DEBUG", False)
# A fixed key is fine for the embedded demo; production sets SECRET_KEY (or SECRET_KEY_FILE).
SECRET_KEY = env("SECRET_KEY", "insecure-embedded-demo-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "triplec.core",
    "triplec.accounts",
    "triplec.offices",
    "triplec.audit",
    "triplec.taxpayers",
    "triplec.ledger",
    "triplec.imports",
    "triplec.console",
    "triplec.demo",
    "triplec.events",
    "triplec.bot",
    "triplec.simulator",
    "triplec.billing",
    "triplec.api",
    "triplec.messaging",
    "triplec.campaigns",
    "triplec.conversations",
    "triplec.inbox",
]

# In this order: CSP on every response; the console's language (Indonesian by default, the top-bar switch sets
# the cookie); OTPMiddleware right after authentication (request.user.is_verified()); the idle-session and
# two-factor gates after the messages; the permission matrix (accounts/permissions.py) before the views; Axes
# last, as its documentation asks.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "triplec.console.middleware.ConsoleLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "triplec.accounts.middleware.IdleSessionMiddleware",
    "triplec.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "triplec.accounts.middleware.OfficeTimezoneMiddleware",
    "triplec.accounts.middleware.PermissionMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "triplec.urls"
WSGI_APPLICATION = "triplec.wsgi.application"
ASGI_APPLICATION = "triplec.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "triplec.accounts.context_processors.permissions",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite in DATA_DIR by default; DATABASE_URL=postgres://... selects PostgreSQL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'triplec.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 0))}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    # A file (not :memory:) so that the simulator, dispatcher and other processes a test starts see it;
    # the pid keeps parallel runs apart.
    _db["TEST"] = {"NAME": env("TRIPLEC_TEST_DB", str(DATA_DIR / f"test-{os.getpid()}.sqlite3"))}
else:
    _db["TEST"] = {"NAME": env("TRIPLEC_TEST_DB", f"test_triplec_{os.getpid()}")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

if envbool("TRIPLEC_FAST_HASHING", False):  # the test run sets it (triplec/testenv.py); see accounts/hashers.py
    PASSWORD_HASHERS = [
        "triplec.accounts.hashers.QuickPBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]

# --- Language and time --------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "triplec" / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in the user's office time zone (see OfficeTimezoneMiddleware).
TIME_ZONE = "Asia/Makassar"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Uploaded files (an office's emblem); read from disk by the PDF renderer, never served by URL.
MEDIA_ROOT = DATA_DIR / "media"
STATICFILES_DIRS = [d for d in [BASE_DIR / "node_modules"] if d.exists()]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day

# --- Logging: personal data is masked before anything is written ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "triplec.core.masking.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools log a line per PDF step and per font subset at INFO: noise for every letter.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# --- Imports ----------------------------------------------------------------------------------------
IMPORT_BATCH_SIZE = envint("TRIPLEC_IMPORT_BATCH_SIZE", 20000)

# --- Background jobs (Huey) ---------------------------------------------------------------------------
# SQLite-backed queue in DATA_DIR on the embedded default; Redis when REDIS_URL is set. The test run sets
# HUEY_IMMEDIATE=1 (triplec/testenv.py): tasks run in the calling thread, so tests see their effects without a
# consumer process.
REDIS_URL = env("REDIS_URL")
HUEY = {
    "name": "triplec",
    "immediate": envbool("HUEY_IMMEDIATE", False),
    "consumer": {"workers": envint("HUEY_WORKERS", 2), "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        else {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "huey.sqlite3")}
    ),
}

# --- Real time (SSE) ---------------------------------------------------------------------------------
# How often each process's event hub looks for events published by other processes (when Redis is not set).
EVENTS_POLL_INTERVAL = float(env("EVENTS_POLL_INTERVAL", "0.1"))

# --- Billing codes (kode billing) --------------------------------------------------------------------
# The issuer: the simulated DJP issuer by default; an office with a DJP H2H agreement sets the real one.
BILLING_GATEWAY = env("BILLING_GATEWAY", "triplec.billing.gateways.SimulatedDjpGateway")
BILLING_VALIDITY_HOURS = envint("BILLING_VALIDITY_HOURS", 168)  # what the simulated issuer returns (PER-10/PJ/2024)
BILLING_DJP_URL = env("BILLING_DJP_URL")
BILLING_DJP_CLIENT_ID = env("BILLING_DJP_CLIENT_ID")
BILLING_DJP_CLIENT_SECRET = env("BILLING_DJP_CLIENT_SECRET")  # or BILLING_DJP_CLIENT_SECRET_FILE
BILLING_DJP_CLIENT_CERT = env("BILLING_DJP_CLIENT_CERT")  # path to the mutual-TLS certificate (PEM), if required
BILLING_DJP_CLIENT_KEY = env("BILLING_DJP_CLIENT_KEY")
BILLING_DJP_TIMEOUT = float(env("BILLING_DJP_TIMEOUT", "15"))
PAYMENT_BATCH_SIZE = envint("PAYMENT_BATCH_SIZE", 5000)

# --- WhatsApp Cloud API (the real one, or the local simulator: they differ only in the base URL) -------------
WHATSAPP_BASE_URL = env("WHATSAPP_BASE_URL", "http://127.0.0.1:8001")
WHATSAPP_API_VERSION = env("WHATSAPP_API_VERSION", "v25.0")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", "922000000000001")
WHATSAPP_WABA_ID = env("WHATSAPP_WABA_ID", "922000000000002")
WHATSAPP_DISPLAY_NUMBER = env("WHATSAPP_DISPLAY_NUMBER", "+62 380 821123")
# Demo defaults; production sets them (or the *_FILE variants) from its secret store.
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN", "demo-access-token")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", "demo-app-secret")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", "demo-verify-token")
# Which provider class talks to the base URL: "simulator" can also be asked whether it received a message
# (crash recovery), "cloudapi" is the real Meta Cloud API.
WHATSAPP_PROVIDER = env("WHATSAPP_PROVIDER", "simulator")
# Client timeouts (seconds).
WHATSAPP_CONNECT_TIMEOUT = float(env("WHATSAPP_CONNECT_TIMEOUT", "3.0"))
WHATSAPP_READ_TIMEOUT = float(env("WHATSAPP_READ_TIMEOUT", "10.0"))
# Webhook processing after the fast path's 200 (triplec.messaging.wsgi): "thread" = a processing thread in the web
# process, woken by each POST (events it could not process are retried by `triplec process_webhooks --loop` and
# the dispatcher); "loop" = only `triplec process_webhooks --loop` processes.
WHATSAPP_WEBHOOK_PROCESSING = env("WHATSAPP_WEBHOOK_PROCESSING", "thread")
# Dispatcher (read from the environment too, so that a dispatcher started as a subprocess can be tuned).
WHATSAPP_DISPATCH_BATCH = envint("WHATSAPP_DISPATCH_BATCH", 200)
WHATSAPP_DISPATCH_THREADS = envint("WHATSAPP_DISPATCH_THREADS", 24)
WHATSAPP_MAX_ATTEMPTS = envint("WHATSAPP_MAX_ATTEMPTS", 6)
WHATSAPP_RETRY_BASE_SECONDS = float(env("WHATSAPP_RETRY_BASE_SECONDS", "5.0"))
WHATSAPP_RETRY_MAX_SECONDS = float(env("WHATSAPP_RETRY_MAX_SECONDS", "900.0"))
# A message still queued this long after it was enqueued is "too old to send" (unless not_after says otherwise).
WHATSAPP_MAX_AGE_SECONDS = envint("WHATSAPP_MAX_AGE_SECONDS", 3 * 24 * 3600)
# A "sending" claim older than this belongs to a dead dispatcher and is resolved, then retried.
WHATSAPP_STALE_CLAIM_SECONDS = float(env("WHATSAPP_STALE_CLAIM_SECONDS", "60.0"))
# For the real Cloud API (which cannot be asked): how long to wait for a status webhook echoing our id before an
# unresolved in-flight message is sent again.
WHATSAPP_RESOLVE_GRACE_SECONDS = float(env("WHATSAPP_RESOLVE_GRACE_SECONDS", "600.0"))
# Per-recipient (pair) limit we keep ourselves: at most COUNT messages to one user per SECONDS.
WHATSAPP_PAIR_LIMIT_COUNT = envint("WHATSAPP_PAIR_LIMIT_COUNT", 5)
WHATSAPP_PAIR_LIMIT_SECONDS = float(env("WHATSAPP_PAIR_LIMIT_SECONDS", "6.0"))
SIMULATOR_PORT = envint("SIMULATOR_PORT", 8001)

# --- Campaigns (Call) -----------------------------------------------------------------------------------
# Meta's messaging-limit tier of the business portfolio (unique users per moving 24 h): 250, 2000, 10000, 100000.
CAMPAIGN_MESSAGING_TIER = envint("CAMPAIGN_MESSAGING_TIER", 2000)
CAMPAIGN_PRICE_PER_MESSAGE = envint("CAMPAIGN_PRICE_PER_MESSAGE", 356)  # Rp per delivered utility template
CAMPAIGN_PDF_LINK_DAYS = envint("CAMPAIGN_PDF_LINK_DAYS", 30)  # validity of the signed PDF link in a message
# A queued message may still go this long after its planned time (then it expires as "too old to send").
CAMPAIGN_SEND_GRACE_HOURS = envint("CAMPAIGN_SEND_GRACE_HOURS", 72)

# --- Conversations (the bot) ---------------------------------------------------------------------------
# A contact verified longer ago than this, or whose number changed within the second limit, is asked an
# identity challenge before the bot discloses any detail (Pasal 34 KUP). See docs/conversations.md.
BOT_VERIFICATION_MAX_AGE_DAYS = envint("BOT_VERIFICATION_MAX_AGE_DAYS", 365)
BOT_NUMBER_CHANGE_CHALLENGE_DAYS = envint("BOT_NUMBER_CHANGE_CHALLENGE_DAYS", 30)
# Failed challenges that lock details for the contact until staff unlock it.
BOT_CHALLENGE_MAX_FAILURES = envint("BOT_CHALLENGE_MAX_FAILURES", 3)
# More bot replies than this to one conversation within a minute: stop answering and hand off (loops, bots).
BOT_MAX_REPLIES_PER_MINUTE = envint("BOT_MAX_REPLIES_PER_MINUTE", 8)
# A bot-state conversation idle this long is closed; the next message starts afresh at the menu.
BOT_CONVERSATION_IDLE_HOURS = envint("BOT_CONVERSATION_IDLE_HOURS", 24)

# Live inbox (docs/inbox.md): service-level targets in office-hours minutes.
INBOX_FIRST_RESPONSE_MINUTES = int(env("INBOX_FIRST_RESPONSE_MINUTES", "30"))
INBOX_RESOLUTION_MINUTES = int(env("INBOX_RESOLUTION_MINUTES", "960"))

# === Security (docs/security.md) ============================================================================
# One switch: TRIPLEC_ENV=production. It turns on HTTPS-only cookies, HSTS, the HTTPS redirect and required
# two-factor login, and refuses to start on any demo secret or with DEBUG on (the checks at the end of this block).
TRIPLEC_ENV = env("TRIPLEC_ENV", "demo").strip().lower()
PRODUCTION = TRIPLEC_ENV == "production"

INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]

# --- Login throttling and lockout (django-axes) ---
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_FAILURE_LIMIT = envint("TRIPLEC_LOGIN_FAILURE_LIMIT", 5)  # wrong passwords for one account
LOGIN_IP_FAILURE_LIMIT = envint("TRIPLEC_LOGIN_IP_FAILURE_LIMIT", 20)  # for one address (an office shares one)
LOGIN_LOCKOUT_MINUTES = envint("TRIPLEC_LOGIN_LOCKOUT_MINUTES", 15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_FAILURE_LIMIT = "triplec.accounts.lockout.failure_limit"  # the account's limit, or the address's
AXES_COOLOFF_TIME = "triplec.accounts.lockout.cooloff"
AXES_LOCKOUT_CALLABLE = "triplec.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "triplec.accounts.lockout.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # the audit log records every failure and lockout (accounts/signals.py)
LOGGING["loggers"] = {**LOGGING.get("loggers", {}), "axes": {"level": "WARNING"}}

# --- Passwords: at least 12 characters of three classes; applies whenever a password is set or changed ---
PASSWORD_MIN_LENGTH = envint("TRIPLEC_PASSWORD_MIN_LENGTH", 12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "triplec.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# --- Two-factor login (TOTP, django-otp): required in production for every user who may see taxpayer data ---
TWO_FACTOR_REQUIRED = envbool("TRIPLEC_2FA_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = env("TRIPLEC_2FA_ISSUER", "Just Triple C")

# --- Sessions: logged out after this many minutes without a page view or action ---
SESSION_IDLE_MINUTES = envint("TRIPLEC_SESSION_IDLE_MINUTES", 30)

# --- HTTPS: on by default in production, each one can be set from the environment ---
SECURE_SSL_REDIRECT = envbool("TRIPLEC_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("TRIPLEC_SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = envint("TRIPLEC_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("TRIPLEC_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = envbool("TRIPLEC_HSTS_PRELOAD", PRODUCTION)
# Behind a TLS-terminating proxy: the header it sets to "https" (e.g. X-Forwarded-Proto). Only set it when the
# proxy always sets or strips that header, else a client could claim HTTPS.
_proxy_header = env("TRIPLEC_PROXY_SSL_HEADER").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# Behind that proxy, the client's address for the login lockout: the right-most entry the proxy appended.
TRIPLEC_PROXY_CLIENT_IP_HEADER = env("TRIPLEC_PROXY_CLIENT_IP_HEADER").strip()

# --- Content-Security-Policy: scripts and styles from our own static files only, no inline code ---
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- Uploads ---
IMPORT_MAX_MB = envint("TRIPLEC_IMPORT_MAX_MB", 50)  # one uploaded import file
# An XLSX is a zip: its members together may expand to at most this much, and the first sheet may span at most
# this many cells (rows x columns), so that a small file cannot blow up the worker's memory.
IMPORT_XLSX_MAX_UNCOMPRESSED_MB = envint("TRIPLEC_IMPORT_XLSX_MAX_UNCOMPRESSED_MB", 50)
IMPORT_XLSX_MAX_CELLS = envint("TRIPLEC_IMPORT_XLSX_MAX_CELLS", 1_000_000)
IMPORT_XLSX_MAX_ROWS = envint("TRIPLEC_IMPORT_XLSX_MAX_ROWS", 1_048_576)  # Excel's own limit
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("TRIPLEC_UPLOAD_MAX_MEMORY_MB", 5) * 1024 * 1024  # a request body, files aside
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file, not memory (Django's default)

# --- Production mode refuses to start on demo secrets ---
DEMO_SECRETS = {
    "SECRET_KEY": "insecure-embedded-demo-key-change-me-in-production-0123456789",
    "WHATSAPP_APP_SECRET": "demo-app-secret",
    "WHATSAPP_VERIFY_TOKEN": "demo-verify-token",
    "WHATSAPP_ACCESS_TOKEN": "demo-access-token",
}


def production_problems(values: dict) -> list[str]:
    """Each reason these settings may not run in production mode (empty when they may)."""
    problems = [
        f"{name} is the demo value; set {name} (or {name}_FILE) from the secret store"
        for name, demo in DEMO_SECRETS.items()
        if values.get(name) == demo
    ]
    problems += [f"{name} is empty; set {name} (or {name}_FILE)" for name in DEMO_SECRETS if not values.get(name)]
    if len(values.get("SECRET_KEY") or "") < 50 and values.get("SECRET_KEY") not in (
        None,
        "",
        DEMO_SECRETS["SECRET_KEY"],
    ):
        problems.append("SECRET_KEY is shorter than 50 characters")
    if values.get("DEBUG"):
        problems.append("DEBUG is on; unset TRIPLEC_DEBUG")
    return problems


if PRODUCTION:
    _problems = production_problems(globals())
    if _problems:
        raise ImproperlyConfigured("TRIPLEC_ENV=production refuses to start: " + "; ".join(_problems) + ".")
elif TRIPLEC_ENV != "demo":
    raise ImproperlyConfigured(f"TRIPLEC_ENV must be 'demo' or 'production', not {TRIPLEC_ENV!r}.")
# === end of Security ======================================================================================
