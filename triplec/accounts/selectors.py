"""Reads about staff accounts: two-factor devices and who must use one."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_totp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def sees_taxpayer_data(user) -> bool:
    return user.is_superuser or user.has_perm("taxpayers.view_taxpayer")


def two_factor_required(user) -> bool:
    """Production mode asks every user who may see taxpayer data for a second factor (Pasal 34 KUP)."""
    return settings.TWO_FACTOR_REQUIRED and sees_taxpayer_data(user)
