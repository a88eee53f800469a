"""Login security as the tester attacked it: password guessing, weak passwords, the second factor, idle sessions,
and the audit trail of logins (issue: BSSN 4/2021, OWASP ASVS level 2)."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from triplec.accounts.roles import Role
from triplec.accounts.signals import SESSION_LAST_ACTIVITY
from triplec.audit.models import AuditEntry
from triplec.tests.support import make_office, make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_IP_FAILURE_LIMIT=20)
def test_it_refuses_the_right_password_after_five_wrong_ones(client):
    make_user("kasi", Role.SECTION_HEAD, office=make_office())
    for _ in range(5):
        response = _login(client, "kasi", "tebakan-salah")
    assert response.status_code == 429
    response = _login(client, "kasi", "demo12345")
    body = response.content.decode()
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan masuk yang gagal" in body and "15 menit" in body


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_IP_FAILURE_LIMIT=20)
def test_it_still_logs_in_after_fewer_wrong_passwords_than_the_limit(client):
    make_user("kasi", Role.SECTION_HEAD, office=make_office())
    for _ in range(4):
        assert _login(client, "kasi", "tebakan-salah").status_code == 200
    assert _login(client, "kasi", "demo12345").status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_IP_FAILURE_LIMIT=8)
def test_it_locks_an_address_that_guesses_across_many_accounts(client):
    office = make_office()
    make_user("petugas1", Role.SERVICE_OFFICER, office=office)
    for n in range(8):  # a different username each time: no account reaches its own limit
        _login(client, f"tebak{n}", "tebakan-salah")
    response = _login(client, "petugas1", "demo12345")
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # Another address is not affected.
    assert _login(client, "petugas1", "demo12345", REMOTE_ADDR="10.9.8.7").status_code == 302


@override_settings(LOGIN_FAILURE_LIMIT=5, LOGIN_IP_FAILURE_LIMIT=20)
def test_it_does_not_lock_an_account_whose_attempts_are_old(client, settings):
    import datetime as dt

    from axes.models import AccessAttempt
    from django.utils import timezone

    make_user("kasi", Role.SECTION_HEAD, office=make_office())
    for _ in range(5):
        _login(client, "kasi", "tebakan-salah")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))
    assert _login(client, "kasi", "demo12345").status_code == 302


def test_it_audits_logins_failed_logins_and_logouts_without_echoing_a_typed_identifier(client):
    office = make_office()
    make_user("staf", Role.COLLECTION_STAFF, office=office)
    _login(client, "staf", "salah")
    _login(client, "530101230390001", "salah")  # an NIK typed into the username box
    _login(client, "staf", "demo12345")
    client.post("/logout/")
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "summary", "office_id"))
    actions = [a for a, _, _ in entries]
    assert actions == ["login.failed", "login.failed", "login", "logout"]
    assert entries[0][2] == office.pk  # the known user's office sees the attempt
    assert "530101230390001" not in str(entries) and "•" in entries[1][1]


@override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_IP_FAILURE_LIMIT=20)
def test_it_audits_the_lockout(client):
    make_user("kasi", Role.SECTION_HEAD, office=make_office())
    for _ in range(3):
        _login(client, "kasi", "salah")
    assert AuditEntry.objects.filter(action="login.locked", summary__contains="kasi").exists()


@pytest.mark.parametrize("password", ["Kasi2026", "kupangkupangkupang", "kupang2026kupang", "123456789012"])
def test_it_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_it_explains_the_password_rules_in_indonesian():
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as refused:
        validate_password("kupang2026kupang")
    assert "huruf kecil, huruf besar, angka, karakter lain" in " ".join(refused.value.messages)


def test_it_accepts_a_long_password_of_three_character_classes():
    validate_password("Teguran-Kupang-2026")
    validate_password("sebelas kata Panjang 2026")


def test_it_keeps_the_demo_users_password_working(client):
    """The policy applies when a password is set or changed; the demo's existing accounts log in as before."""
    make_user("ar1", Role.ACCOUNT_REPRESENTATIVE, office=make_office())
    assert _login(client, "ar1", "demo12345").status_code == 302


# --- two-factor login ---------------------------------------------------------------------------------------
def _enrol(client, user):
    import django_otp.oath

    client.force_login(user)
    page = client.get("/account/2fa/setup/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = user.totpdevice_set.get()
    token = _token(device)
    assert client.post("/account/2fa/setup/", {"token": token}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device, django_otp.oath


def _token(device, offset: int = 0) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@override_settings(TWO_FACTOR_REQUIRED=True)
def test_it_sends_a_user_who_sees_taxpayer_data_to_enrol_in_production_mode(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office()))
    response = client.get("/taxpayers/")
    assert response.status_code == 302 and response["Location"].startswith("/account/2fa/setup/")


@override_settings(TWO_FACTOR_REQUIRED=False)
def test_it_lets_demo_users_work_without_a_second_factor(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office()))
    assert client.get("/").status_code == 200


def test_it_asks_an_enrolled_user_for_the_code_after_the_password_and_refuses_a_wrong_one(client):
    user = make_user("kasi", Role.SECTION_HEAD, office=make_office())
    device, _ = _enrol(client, user)
    client.post("/logout/")
    assert _login(client, "kasi", "demo12345").status_code == 302
    blocked = client.get("/taxpayers/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/account/2fa/verify/")
    wrong = client.post("/account/2fa/verify/", {"token": "000000" if _token(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "Kode ini tidak valid" in wrong.content.decode()
    assert AuditEntry.objects.filter(action="2fa.failed").exists()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None  # django-otp's own backoff
    device.save()
    ok = client.post("/account/2fa/verify/", {"token": _token(device, offset=1), "next": "/taxpayers/"})
    assert ok.status_code == 302 and ok["Location"] == "/taxpayers/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="2fa.verify", actor=user).exists()


# --- idle sessions --------------------------------------------------------------------------------------------
@override_settings(SESSION_IDLE_MINUTES=30)
def test_it_logs_out_a_session_idle_longer_than_the_limit(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office()))
    assert client.get("/").status_code == 200
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert AuditEntry.objects.filter(action="logout", detail__reason="idle").exists()


@override_settings(SESSION_IDLE_MINUTES=30)
def test_it_does_not_count_background_polling_as_activity(client):
    client.force_login(make_user("staf", Role.COLLECTION_STAFF, office=make_office()))
    client.get("/")
    session = client.session
    before = time.time() - 29 * 60
    session[SESSION_LAST_ACTIVITY] = before
    session.save()
    client.get("/", HTTP_SEC_FETCH_MODE="cors")
    assert client.session[SESSION_LAST_ACTIVITY] == before
    client.get("/", HTTP_SEC_FETCH_MODE="navigate")
    assert client.session[SESSION_LAST_ACTIVITY] > before
