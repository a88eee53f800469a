"""The permission matrix: which role may do what, and which action every URL needs. The one place for both.

`MATRIX` maps each action to the roles allowed it. `ROUTES` maps every named URL (and method) to an action, or to
one of the markers below. Three layers read them:

- `PermissionMiddleware` refuses a console request whose URL and method need an action the user's roles lack;
- `triplec.api.auth.api_view` does the same for the bearer-token API;
- the service functions call `require(actor, action)` (or `allowed`), so the bot, the jobs, the command line
  and any new screen get the same answer as the console.

Roles are what a person may do; the office scope (`taxpayers.selectors.visible_taxpayers`, the inbox's
`visible_conversations`) is what they may see it on. Both apply. `docs/permissions.md` is rendered from this
module (`triplec permissions --write`); a test fails when it is stale, and another when a URL is not declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from .roles import Role

A, OH, SH, CS, AR, SO, B = (
    Role.ADMINISTRATOR,
    Role.OFFICE_HEAD,
    Role.SECTION_HEAD,
    Role.COLLECTION_STAFF,
    Role.ACCOUNT_REPRESENTATIVE,
    Role.SERVICE_OFFICER,
    Role.BAILIFF,
)
EVERY_ROLE = frozenset(Role)
OFFICERS = frozenset({SH, CS, AR, SO})  # who talks to taxpayers and acts for them


@dataclass(frozen=True)
class Action:
    description: str
    roles: frozenset[str]


MATRIX: dict[str, Action] = {
    "taxpayer.view": Action("Search taxpayers and open the taxpayer page", EVERY_ROLE),
    "taxpayer.see_nik": Action(
        "See the NIK in full, and NPWP16/NITKU that carry it (others see them masked)",
        frozenset({A, OH, SH, CS, AR, B}),
    ),
    "contact.change_number": Action("Register or change a taxpayer's WhatsApp number", frozenset({SH, CS, AR})),
    "contact.change_status": Action(
        "Set a contact to wrong number / opted out / active (taxpayer page and inbox)", OFFICERS
    ),
    "debt.view": Action("The debt list and its CSV/XLSX export", EVERY_ROLE),
    "billing.view": Action("A taxpayer's billing codes and the billing message preview", EVERY_ROLE),
    "billing.issue": Action("Issue a billing code and send it by WhatsApp (billing page and inbox)", OFFICERS | {B}),
    "payment.view": Action("Payments, unmatched payments, payment claims", EVERY_ROLE),
    "payment.assign": Action("Assign an unmatched payment, resolve a payment claim", frozenset({A, SH, CS, B})),
    "payment.record": Action("Record payments through the API", frozenset({A, SH, CS, B})),
    "document.clear": Action("Confirm a document cleared through the API", frozenset({A, SH, CS, B})),
    "paksa.view": Action("The bailiff's list (Surat Teguran due for a Surat Paksa)", EVERY_ROLE),
    "paksa.record": Action("Record a Surat Paksa issued or served", frozenset({A, SH, CS, B})),
    "campaign.view": Action(
        "Campaign lists, details, previews (names, amounts) and progress; the message templates",
        frozenset({A, OH, SH, CS, B}),
    ),
    "campaign.edit": Action("Create, edit and submit a campaign for approval", frozenset({SH, CS})),
    "campaign.approve": Action("Approve a campaign (never one's own)", frozenset({SH})),
    "campaign.run": Action(
        "Start, pause, resume and cancel an approved campaign; resend its failed messages", frozenset({SH})
    ),
    "template.manage": Action(
        "Submit a message template to WhatsApp for approval, sync it, make a new version", frozenset({A, SH})
    ),
    "inbox.view": Action("The live inbox: queues, conversations and the taxpayer panel", frozenset({A, OH} | OFFICERS)),
    "inbox.reply": Action("Reply, send templates, write notes, resolve, reopen, take a conversation", OFFICERS),
    "inbox.duty": Action(
        "Be on duty for the inbox (availability, capacity) and be given conversations", frozenset({CS, AR, SO})
    ),
    "inbox.manage": Action("Assign conversations to others, edit the office's quick replies", frozenset({SH})),
    "audit.view": Action("The office's audit log and its export", frozenset({A, OH, SH})),
    "import.run": Action("Import taxpayers, debts, letters and payments; read import reports", frozenset({A, SH, CS})),
    "office.calendar": Action("Office hours, working days and holidays (own and national)", frozenset({A, SH})),
    "webhook.quarantine": Action("Quarantined WhatsApp webhooks: read (masked), re-process, discard", frozenset({A})),
}

# Route markers: not an action of the matrix.
PUBLIC = "public"  # no sign-in: the login page, WhatsApp's webhook (signed), the signed PDF link
SIGNED_IN = "signed-in"  # any member of staff; the page shows only what their roles and office allow
ADMIN_SITE = "admin-site"  # Django's admin: staff status and model permissions (administrators only)

MARKERS = (PUBLIC, SIGNED_IN, ADMIN_SITE)


@dataclass(frozen=True)
class ByArgument:
    """The action depends on a URL argument (the campaign action in /campaigns/<pk>/<action>/)."""

    argument: str
    actions: Mapping[str, str]
    default: str

    def action_for(self, kwargs: Mapping) -> str:
        return self.actions.get(str(kwargs.get(self.argument, "")), self.default)

    def all_actions(self) -> set[str]:
        return {*self.actions.values(), self.default}


CAMPAIGN_ACTIONS = ByArgument(
    "action",
    {
        "submit": "campaign.edit",
        "approve": "campaign.approve",
        "start": "campaign.run",
        "pause": "campaign.run",
        "resume": "campaign.run",
        "cancel": "campaign.run",
        "resend": "campaign.run",
    },
    default="campaign.view",
)
CAMPAIGN_API_ACTIONS = ByArgument("name", CAMPAIGN_ACTIONS.actions, default="campaign.view")

# Every named URL: {method: action or marker}; "GET POST" gives both methods the one need. A method not listed is
# refused (405). HEAD follows GET.
_DECLARED: dict[str, dict[str, str | ByArgument]] = {
    "login": {"GET POST": PUBLIC},
    "logout": {"POST": PUBLIC},
    "set_language": {"POST": PUBLIC},
    "messaging:webhook": {"GET POST": PUBLIC},  # Meta's verify handshake and signed events
    "messaging:ping": {"GET": PUBLIC},
    "campaigns:notice_pdf": {"GET": PUBLIC},  # a signed, expiring link WhatsApp fetches
    "verify_letter": {"GET": PUBLIC},  # a letter's QR code: says only that the letter exists (signed token)
    "favicon": {"GET": PUBLIC},
    "events:stream": {"GET": SIGNED_IN},  # each topic is checked against what the user may see
    "accounts:2fa_setup": {"GET POST": SIGNED_IN},  # enrol one's own authenticator
    "accounts:2fa_verify": {"GET POST": SIGNED_IN},  # the second factor after the password
    "console:home": {"GET": SIGNED_IN},
    "console:audit": {"GET": "audit.view"},
    "console:office_calendar": {"GET POST": "office.calendar"},
    "console:office_holiday_add": {"POST": "office.calendar"},
    "console:office_holiday_delete": {"POST": "office.calendar"},
    "console:office_national_holidays": {"POST": "office.calendar"},
    "console:import": {"GET POST": "import.run"},
    "console:import_run": {"GET": "import.run"},
    "console:import_template": {"GET": "import.run"},
    "console:import_report": {"GET": "import.run"},
    "taxpayers:search": {"GET": "taxpayer.view"},
    "taxpayers:detail": {"GET": "taxpayer.view"},
    "taxpayers:contact_number": {"POST": "contact.change_number"},
    "taxpayers:contact_status": {"POST": "contact.change_status"},
    "ledger:debts": {"GET": "debt.view"},
    "collect:payments": {"GET": "payment.view"},
    "collect:unmatched": {"GET": "payment.view"},
    "collect:assign": {"GET POST": "payment.assign"},
    "collect:claims": {"GET": "payment.view"},
    "collect:claim-resolve": {"POST": "payment.assign"},
    "collect:bailiff": {"GET": "paksa.view"},
    "collect:paksa-issue": {"POST": "paksa.record"},
    "collect:paksa-served": {"POST": "paksa.record"},
    "billing:taxpayer": {"GET": "billing.view", "POST": "billing.issue"},
    "billing:send": {"POST": "billing.issue"},
    "billing:preview": {"GET": "billing.view"},
    "campaigns:list": {"GET": "campaign.view"},
    "campaigns:new": {"GET POST": "campaign.edit"},
    "campaigns:detail": {"GET": "campaign.view"},
    "campaigns:templates": {"GET": "campaign.view"},
    "campaigns:template_action": {"POST": "template.manage"},
    "campaigns:edit": {"GET POST": "campaign.edit"},
    "campaigns:progress": {"GET": "campaign.view"},
    "campaigns:progress_json": {"GET": "campaign.view"},
    "campaigns:action": {"POST": CAMPAIGN_ACTIONS},
    "campaigns_api:list": {"GET": "campaign.view", "POST": "campaign.edit"},
    "campaigns_api:detail": {"GET": "campaign.view", "PATCH": "campaign.edit"},
    "campaigns_api:preview": {"GET": "campaign.view"},
    "campaigns_api:status": {"GET": "campaign.view"},
    "campaigns_api:action": {"POST": CAMPAIGN_API_ACTIONS},
    "api:payments": {"POST": "payment.record"},
    "api:document-clear": {"POST": "document.clear"},
    "inbox:inbox": {"GET": "inbox.view"},
    "inbox:queue_fragment": {"GET": "inbox.view"},
    "inbox:queue_json": {"GET": "inbox.view"},
    "inbox:conversation": {"GET": "inbox.view"},
    "inbox:timeline_fragment": {"GET": "inbox.view"},
    "inbox:conversation_json": {"GET": "inbox.view"},
    "inbox:availability": {"POST": "inbox.duty"},
    "inbox:quick_replies": {"GET": "inbox.reply", "POST": "inbox.manage"},
    "inbox:quick_reply_fill": {"GET": "inbox.reply"},
    "inbox:reply": {"POST": "inbox.reply"},
    "inbox:template": {"POST": "inbox.reply"},
    "inbox:note": {"POST": "inbox.reply"},
    "inbox:resolve": {"POST": "inbox.reply"},
    "inbox:reopen": {"POST": "inbox.reply"},
    "inbox:assign": {"POST": "inbox.reply"},  # taking it oneself; giving it to another officer is inbox.manage
    "inbox:billing": {"POST": "billing.issue"},
    "inbox:contact_status": {"POST": "contact.change_status"},
    "inbox:tasks": {"GET": "inbox.view"},  # queues filtered to what the roles may see
    "inbox:task_done": {"POST": "inbox.reply"},
    "messaging:quarantine": {"GET": "webhook.quarantine"},
    "messaging:quarantine_event": {"GET": "webhook.quarantine"},
    "messaging:quarantine_action": {"POST": "webhook.quarantine"},
}
ROUTES: dict[str, dict[str, str | ByArgument]] = {
    name: {method: need for methods, need in declared.items() for method in methods.split()}
    for name, declared in _DECLARED.items()
}
# Namespaces whose every URL has one rule (Django's admin has dozens, generated per model).
NAMESPACES: dict[str, str] = {"admin": ADMIN_SITE}
# Namespaces answered by token, not session: `api_view` checks them after authenticating the token.
TOKEN_NAMESPACES = frozenset({"api", "campaigns_api"})
# URLs whose clients cannot follow a redirect to the login page (EventSource): a stranger gets 401 instead.
UNAUTHORISED_NOT_REDIRECTED = frozenset({"events:stream"})
# Namespaces that answer 404, never 403, so that a refusal does not confirm what exists (the inbox).
NOT_FOUND_NAMESPACES = frozenset({"inbox"})
# Every URL of these namespaces needs this action as well as its own (billing in the inbox: the inbox too).
NAMESPACE_ACTIONS: dict[str, str] = {"inbox": "inbox.view"}


def roles_of(user) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return frozenset()
    if not hasattr(user, "_matrix_roles"):
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMINISTRATOR)
        user._matrix_roles = frozenset(names)
    return user._matrix_roles


def allowed(user, action: str) -> bool:
    """May this user do this? (An unknown action is a programming error, not a refusal.)"""
    return bool(roles_of(user) & MATRIX[action].roles)


def require(actor, action: str, *, office_id: int | None = None) -> None:
    """For service functions: the staff member acting must hold the action and, when `office_id` is given, act
    on their own office (administrators: any). `actor=None` is the system itself (the bot answering a verified
    taxpayer, a scheduled job, the importer), which the service's own rules govern."""
    if actor is None:
        return
    if not allowed(actor, action):
        raise PermissionDenied(f"Peran Anda tidak berwenang untuk tindakan ini ({action}).")
    if office_id is not None and actor.office_id != office_id and not getattr(actor, "is_administrator", False):
        raise PermissionDenied("Data ini bukan data kantor Anda.")


def route_rule(view_name: str, method: str, kwargs: Mapping | None = None) -> str | None:
    """The action or marker a request needs; None when the URL is not declared, "" when the method is not."""
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    if namespace in NAMESPACES:
        return NAMESPACES[namespace]
    methods = ROUTES.get(view_name)
    if methods is None:
        return None
    rule = methods.get("GET" if method in ("HEAD", "OPTIONS") else method, "")
    return rule.action_for(kwargs or {}) if isinstance(rule, ByArgument) else rule


def request_allowed(user, view_name: str, method: str, kwargs: Mapping | None = None) -> bool:
    rule = route_rule(view_name, method, kwargs)
    if rule in (PUBLIC, ADMIN_SITE, None):
        return True
    if rule == SIGNED_IN:
        return bool(getattr(user, "is_authenticated", False))
    base = NAMESPACE_ACTIONS.get(view_name.split(":", 1)[0] if ":" in view_name else "")
    return bool(rule) and allowed(user, rule) and (base is None or allowed(user, base))


# --- docs/permissions.md --------------------------------------------------------------------------------------
ROLE_ORDER = (A, OH, SH, CS, AR, SO, B)


def render_markdown() -> str:
    """docs/permissions.md, from this module: the matrix, then every URL with the action it needs."""
    lines = [
        "# Permissions",
        "",
        "Who may do what in Just Triple C. Generated from `triplec/accounts/permissions.py` by",
        "`triplec permissions --write`; a test fails when this file no longer matches the module.",
        "",
        "Roles decide what a person may *do*; the office decides what they may *see*: staff see only their own",
        "office's taxpayers, documents, conversations and audit entries (administrators see every office). A",
        "refusal answers 403, except in the inbox, which answers 404 as if the conversation did not exist. The",
        "same rule is checked in the console, the REST API, the command line and the service functions.",
        "",
        "## Roles × actions",
        "",
        "| action | " + " | ".join(str(r.label) for r in ROLE_ORDER) + " | what it covers |",
        "|---|" + "---|" * len(ROLE_ORDER) + "---|",
    ]
    for name, action in MATRIX.items():
        cells = " | ".join("✔" if r in action.roles else "·" for r in ROLE_ORDER)
        lines.append(f"| `{name}` | {cells} | {action.description} |")
    lines += [
        "",
        "## URLs",
        "",
        "Every named URL and method with the action it needs. `public`: no sign-in (signed by WhatsApp, or a",
        "signed expiring link); `signed-in`: any member of staff, the page showing only what their roles allow;",
        "`admin-site`: Django's admin (staff status and model permissions). Token URLs (`/api/…`) answer to a",
        "bearer token whose user holds the action. Every `inbox:` URL needs `inbox.view` as well.",
        "",
        "| URL name | method | action |",
        "|---|---|---|",
    ]
    for view_name, methods in ROUTES.items():
        for method, rule in methods.items():
            if isinstance(rule, ByArgument):
                shown = ", ".join(f"{k}: `{v}`" for k, v in rule.actions.items()) + f"; other: `{rule.default}`"
            else:
                shown = f"`{rule}`"
            lines.append(f"| `{view_name}` | {method} | {shown} |")
    for namespace, rule in NAMESPACES.items():
        lines.append(f"| `{namespace}:*` | any | `{rule}` |")
    return "\n".join(lines) + "\n"
