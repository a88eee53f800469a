"""Production mode (TRIPLEC_ENV=production): refuses demo secrets and DEBUG, turns on HTTPS settings, passes
`check --deploy`; the Content-Security-Policy allows no inline code anywhere."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
STRONG = {
    "TRIPLEC_ENV": "production",
    "SECRET_KEY": "k" * 20 + "Zq9-x_3vR7pL2mN8bT4yW6cJ1hF5dS0gA",
    "WHATSAPP_APP_SECRET": "a-real-app-secret-from-meta",
    "WHATSAPP_VERIFY_TOKEN": "a-real-verify-token",
    "WHATSAPP_ACCESS_TOKEN": "a-real-system-user-token",
    "ALLOWED_HOSTS": "triplec.kpp922.example",
}


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("TRIPLEC_", "WHATSAPP_", "SECRET_KEY", "DJANGO_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="triplec.settings", TRIPLEC_DATA_DIR=str(BASE / "data"), **env)
    return subprocess.run(
        [sys.executable, str(BASE / "manage.py"), *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE,
    )


def test_it_refuses_to_start_in_production_mode_on_every_demo_secret_and_debug():
    done = _manage("check", env={"TRIPLEC_ENV": "production", "TRIPLEC_DEBUG": "1"})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    for name in ("SECRET_KEY", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN", "DEBUG"):
        assert name in done.stderr, name


def test_it_refuses_one_demo_secret_among_real_ones():
    done = _manage("check", env={**STRONG, "WHATSAPP_APP_SECRET": "demo-app-secret"})
    assert done.returncode != 0
    assert "WHATSAPP_APP_SECRET is the demo value" in done.stderr
    assert "SECRET_KEY" not in done.stderr.split("refuses to start:")[1]


def test_it_passes_check_deploy_in_production_mode():
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=STRONG)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_it_turns_on_https_settings_in_production_mode_and_reads_the_proxy_header():
    code = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.TWO_FACTOR_REQUIRED)"
    )
    done = _manage("shell", "-c", code, env={**STRONG, "TRIPLEC_PROXY_SSL_HEADER": "X-Forwarded-Proto"})
    assert done.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
    ]


def test_it_keeps_the_demo_on_plain_http_without_two_factor():
    assert not settings.PRODUCTION
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE and not settings.TWO_FACTOR_REQUIRED


def test_it_runs_the_tests_with_quick_hashing_and_immediate_jobs_but_not_their_subprocesses():
    """The test run's settings come from triplec/testenv.py, not from asking whether pytest is imported."""
    assert settings.PASSWORD_HASHERS[0].endswith("QuickPBKDF2PasswordHasher")
    assert settings.HUEY["immediate"] is True
    assert "TRIPLEC_FAST_HASHING" not in os.environ and "HUEY_IMMEDIATE" not in os.environ
    assert "pytest" not in (BASE / "triplec" / "settings.py").read_text()


# --- Content-Security-Policy ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_it_sends_a_content_security_policy_without_unsafe_inline(client):
    header = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in header and "style-src 'self'" in header
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert "frame-ancestors 'none'" in header


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"\sstyle\s*=", re.I)
STYLE_BLOCK = re.compile(r"<style\b", re.I)


def test_it_has_no_inline_script_handler_or_style_in_any_served_template():
    """The policy would block them in the browser; a PDF template (rendered by WeasyPrint) is not served."""
    pages = [p for p in (BASE / "triplec").glob("*/templates/**/*.html") if not p.name.endswith("_pdf.html")]
    pages += list((BASE / "triplec").glob("*/static/**/*.html"))
    assert pages
    offenders = [
        f"{p.relative_to(BASE)}: {rx.pattern}"
        for p in pages
        for rx in (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_BLOCK)
        if rx.search(p.read_text())
    ]
    assert offenders == []
