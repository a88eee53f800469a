"""The console's top navigation, as a registry other apps append to with one line.

    NAV_ITEMS.append(NavItem("billing:list", _("Billing"), perm("ledger.view_debtdocument"), accesskey="b"))

An item whose URL does not resolve (its app is not installed yet) is left out instead of breaking every page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from triplec.accounts.permissions import allowed
from triplec.inbox.access import may_use_inbox

Check = Callable[[object], bool]


def perm(*codenames: str) -> Check:
    """Visible to users holding any of these Django permissions ("app_label.codename")."""
    return lambda user: any(user.has_perm(c) for c in codenames)


def role(*roles: str) -> Check:
    """Visible to administrators and to users holding any of these roles."""
    return lambda user: user.is_administrator or user.has_role(*roles)


def action(name: str) -> Check:
    """Visible to users whose roles hold this action of the permission matrix (accounts/permissions.py)."""
    return lambda user: allowed(user, name)


def everyone(user) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    check: Check = everyone
    accesskey: str = ""


NAV_ITEMS: list[NavItem] = [
    NavItem("console:home", _("Home"), everyone, "h"),
    NavItem("inbox:inbox", _("Inbox"), may_use_inbox, "m"),
    NavItem("taxpayers:search", _("Taxpayers"), action("taxpayer.view"), "w"),
    NavItem("ledger:debts", _("Debts"), action("debt.view"), "t"),
    NavItem("collect:payments", _("Payments"), action("payment.view"), "p"),
    NavItem("collect:bailiff", _("Surat Paksa"), action("paksa.view"), "j"),
    NavItem("campaigns:list", _("Campaigns"), action("campaign.view"), "k"),
    NavItem("campaigns:templates", _("Message templates"), action("campaign.view"), ""),
    NavItem("console:import", _("Import"), action("import.run"), "i"),
    NavItem("console:audit", _("Audit"), action("audit.view"), "a"),
    NavItem("messaging:quarantine", _("Webhook quarantine"), action("webhook.quarantine"), ""),
    NavItem("console:office_calendar", _("Office"), action("office.calendar"), "o"),
    NavItem("admin:index", _("Admin"), lambda user: user.is_administrator and user.is_staff, ""),
]


def nav_for(user, current_path: str = "") -> list[dict]:
    """The items this user may see, with their URLs and whether the current page is under them."""
    items = []
    for item in NAV_ITEMS:
        if not item.check(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"url": url, "label": item.label, "accesskey": item.accesskey, "active": active})
    # Only the closest item is current: /campaigns/templates/ is "Template pesan", not also "Kampanye".
    closest = max((i["url"] for i in items if i["active"]), key=len, default=None)
    for i in items:
        i["active"] = i["url"] == closest
    return items
