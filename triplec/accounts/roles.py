"""The roles of a tax office, as Django groups. Permissions do the work; these names are their handles."""

from django.contrib.auth.models import Group, Permission
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    OFFICE_HEAD = "office_head", _("Office head")
    SECTION_HEAD = "section_head", _("Section head")
    COLLECTION_STAFF = "collection_staff", _("Collection staff")
    ACCOUNT_REPRESENTATIVE = "account_representative", _("Account Representative")
    SERVICE_OFFICER = "service_officer", _("Service officer")
    BAILIFF = "bailiff", _("Bailiff")


# Which model permissions each role holds, per app: "view" grants view_<model> for every model of the
# app, "change" everything but delete, "all" everything.
ROLE_PERMISSIONS: dict[str, dict[str, str]] = {
    Role.ADMINISTRATOR: {
        "offices": "all",
        "accounts": "all",
        "taxpayers": "all",
        "ledger": "all",
        "audit": "view",
        "imports": "all",
        "billing": "all",
        "api": "all",
        "messaging": "all",
        "campaigns": "all",
        "conversations": "all",
        "inbox": "all",
    },
    Role.OFFICE_HEAD: {
        "offices": "view",
        "taxpayers": "view",
        "ledger": "view",
        "audit": "view",
        "billing": "view",
        "messaging": "view",
        "campaigns": "view",
        "conversations": "view",
        "inbox": "view",
    },
    Role.SECTION_HEAD: {
        "offices": "view",
        "taxpayers": "change",
        "ledger": "change",
        "audit": "view",
        "imports": "all",
        "billing": "change",
        "messaging": "view",
        "campaigns": "change",
        "conversations": "change",
        "inbox": "change",
    },
    Role.COLLECTION_STAFF: {
        "offices": "view",
        "taxpayers": "change",
        "ledger": "change",
        "imports": "all",
        "billing": "change",
        "messaging": "view",
        "campaigns": "change",
        "conversations": "view",
    },
    Role.ACCOUNT_REPRESENTATIVE: {
        "offices": "view",
        "taxpayers": "change",
        "ledger": "view",
        "billing": "change",
        "messaging": "view",
        "conversations": "change",
        "inbox": "change",
    },
    Role.SERVICE_OFFICER: {
        "offices": "view",
        "taxpayers": "view",
        "ledger": "view",
        "billing": "change",
        "messaging": "view",
        "conversations": "change",
        "inbox": "change",
    },
    Role.BAILIFF: {
        "offices": "view",
        "taxpayers": "view",
        "ledger": "change",
        "billing": "view",
        "conversations": "view",
    },
}


def sync_role_groups() -> None:
    """Create or refresh one group per role with its permissions; idempotent, run after every migrate."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for app_label, level in grants.items():
            qs = Permission.objects.filter(content_type__app_label=app_label)
            if level == "view":
                qs = qs.filter(codename__startswith="view_")
            elif level == "change":
                qs = qs.exclude(codename__startswith="delete_")
            perms.extend(qs)
        group.permissions.set(perms)
