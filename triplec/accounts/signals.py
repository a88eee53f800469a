"""Logins, failed logins, lockouts and logouts go to the audit log (BSSN 4/2021), whichever page caused them; the
role groups are brought up to date after every migrate. Imported by AccountsConfig.ready()."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import services
from .roles import sync_role_groups

SESSION_LAST_ACTIVITY = "triplec_last_activity"
SESSION_LOGIN_AT = "triplec_login_at"


@receiver(user_logged_in, dispatch_uid="triplec_audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LAST_ACTIVITY] = now
        request.session[SESSION_LOGIN_AT] = now
    services.login_record(request, user)


@receiver(user_logged_out, dispatch_uid="triplec_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    services.logout_record(request, user, reason=getattr(request, "triplec_logout_reason", ""))


@receiver(user_login_failed, dispatch_uid="triplec_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    services.login_failure_record(request, (credentials or {}).get("username", ""))


@receiver(user_locked_out, dispatch_uid="triplec_audit_locked_out")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    services.login_failure_record(request, username or "", locked=True)


# Without a sender: it must run after every app's permissions exist, which is after the last app.
@receiver(post_migrate, dispatch_uid="triplec_sync_roles")
def _sync_roles(sender, **kwargs):
    sync_role_groups()
