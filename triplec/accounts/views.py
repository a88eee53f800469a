"""Login lockout page and two-factor enrolment and verification. Thin: services and selectors do the work."""

import base64

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from . import selectors, services


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this when the account or the address is locked: the login page, with why, as 429."""
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "locked_out": True,
            "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES,
            "next": request.POST.get("next", ""),
        },
        status=429,
    )


class TokenForm(forms.Form):
    label_suffix = ""
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def two_factor_setup(request):
    """Enrol a TOTP app: a QR code (and the secret, to type in), then the first code confirms it."""
    import segno  # lazy for start-up time: only QR codes need segno

    if selectors.confirmed_totp_device(request.user) is not None:
        return redirect("accounts:2fa_verify" if not request.user.is_verified() else settings.LOGIN_REDIRECT_URL)
    device = services.totp_device_for_enrolment(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(request, device, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
    uri = device.config_url
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(uri, error="m").svg_inline(scale=5, light="#fff"),
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _next(request),
            "required": selectors.two_factor_required(request.user),
        },
    )


@login_required
def two_factor_verify(request):
    if selectors.confirmed_totp_device(request.user) is None:
        return redirect("accounts:2fa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(request, form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})
