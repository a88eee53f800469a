"""Writes about staff accounts: two-factor enrolment and verification, login audit entries."""

import django_otp
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from triplec.audit.services import audit_record
from triplec.core.masking import mask_text
from triplec.core.phrases import Phrase

from .lockout import client_ip
from .models import User


def client_address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else ""


def login_record(request: HttpRequest, user) -> None:
    summary = Phrase("login %(user)s", user=user.username)
    audit_record(action="login", actor=user, summary=summary, detail={"ip": client_address(request)})


# Why a session ended without the user signing out (accounts.middleware).
LOGOUT_REASONS = {"idle": Phrase("idle"), "session age": Phrase("session age")}


def logout_record(request: HttpRequest | None, user, *, reason: str = "") -> None:
    if user is None:
        return
    summary = (
        Phrase("logout %(user)s (%(reason)s)", user=user.username, reason=LOGOUT_REASONS.get(reason, reason))
        if reason
        else Phrase("logout %(user)s", user=user.username)
    )
    detail = {"ip": client_address(request), **({"reason": reason} if reason else {})}
    audit_record(action="logout", actor=user, summary=summary, detail=detail)


def login_failure_record(request: HttpRequest | None, username: str, *, locked: bool = False) -> None:
    """A wrong password (or a refused attempt during a lockout). The typed username is masked: people type
    their NPWP or NIK into the wrong box."""
    user = User.objects.filter(username=username).select_related("office").first() if username else None
    shown = mask_text(username or "")[:60]
    audit_record(
        action="login.locked" if locked else "login.failed",
        office=getattr(user, "office", None),
        summary=Phrase("login locked for %(user)s", user=shown)
        if locked
        else Phrase("failed login for %(user)s", user=shown),
        detail={"username": shown, "ip": client_address(request), "known_user": user is not None},
    )


def totp_device_for_enrolment(user):
    """The user's unconfirmed TOTP device (a fresh secret the first time); a confirmed one is never replaced here."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def totp_confirm(request: HttpRequest, device, token: str) -> bool:
    """Confirm enrolment with the first code from the app; the session counts as verified from then on."""
    if not device.verify_token(_typed_code(token)):
        audit_record(action="2fa.failed", actor=request.user, summary=Phrase("two-factor enrolment code refused"))
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    summary = Phrase("two-factor device enrolled for %(user)s", user=request.user.username)
    return _code_accepted(request, device, "2fa.enrol", summary)


def totp_verify(request: HttpRequest, token: str) -> bool:
    """Check the code after the password; django-otp slows down repeated wrong codes (throttling)."""
    device = django_otp.match_token(request.user, _typed_code(token))
    if device is None:
        audit_record(action="2fa.failed", actor=request.user, summary=Phrase("two-factor code refused"))
        return False
    summary = Phrase("two-factor verified for %(user)s", user=request.user.username)
    return _code_accepted(request, device, "2fa.verify", summary)


def _typed_code(token: str) -> str:
    """The code as typed, without the spaces authenticator apps show in it."""
    return token.strip().replace(" ", "")


def _code_accepted(request: HttpRequest, device, action: str, summary: Phrase) -> bool:
    """The session counts as verified by this device from now on; audited as `action`."""
    django_otp.login(request, device)
    audit_record(action=action, actor=request.user, summary=summary)
    return True
