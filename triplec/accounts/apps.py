from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from .roles import sync_role_groups

    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "triplec.accounts"
    label = "accounts"
    verbose_name = _("Users")

    def ready(self):
        # Without a sender: it must run after every app's permissions exist, which is after the last app.
        post_migrate.connect(_sync_roles, dispatch_uid="triplec_sync_roles")
        from . import signals

        signals.connect_axes()
