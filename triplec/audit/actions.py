"""What each audit action code means, for people: the audit page shows the label, the CSV and the filter use the
code. A new `audit_record(action=...)` code gets its label here (a test checks that every code in the code base
has one, translated)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "2fa.enrol": _("two-factor device enrolled"),
    "2fa.failed": _("two-factor code refused"),
    "2fa.verify": _("two-factor verified"),
    "audit.export": _("audit log exported"),
    "billing.issue": _("billing code issued"),
    "billing.preview": _("billing message previewed"),
    "billing.send": _("billing code sent"),
    "billing.view": _("billing page viewed"),
    "campaign.approve": _("campaign approved"),
    "campaign.cancel": _("campaign cancelled"),
    "campaign.create": _("campaign created"),
    "campaign.pause": _("campaign paused"),
    "campaign.pdf_fetch": _("letter PDF fetched"),
    "campaign.preview": _("campaign preview viewed"),
    "campaign.resend": _("failed messages sent again"),
    "campaign.resume": _("campaign resumed"),
    "campaign.start": _("campaign started"),
    "campaign.submit": _("campaign submitted"),
    "campaign.update": _("campaign changed"),
    "contact.change_number": _("WhatsApp number changed"),
    "contact.create": _("WhatsApp contact registered"),
    "contact.status": _("contact status changed"),
    "conversation.assign": _("conversation assigned"),
    "conversation.reopen": _("conversation reopened"),
    "conversation.resolve": _("conversation resolved"),
    "disclose": _("details given by the bot"),
    "document.clear": _("document cleared"),
    "identity.challenge_failed": _("identity challenge failed"),
    "identity.challenge_passed": _("identity challenge passed"),
    "identity.locked": _("details locked"),
    "identity.unlock": _("details unlocked"),
    "import": _("file imported"),
    "inbox.availability": _("officer availability"),
    "inbox.quick_reply": _("quick reply saved"),
    "inbox.quick_reply_delete": _("quick reply deleted"),
    "inbox.view": _("conversation viewed"),
    "ledger.export": _("debt list exported"),
    "ledger.list": _("debt list viewed"),
    "letter.verify": _("letter authenticity checked"),
    "login": _("signed in"),
    "login.failed": _("failed sign-in"),
    "login.locked": _("sign-in locked"),
    "logout": _("signed out"),
    "office.holiday_add": _("holiday added"),
    "office.holiday_delete": _("holiday removed"),
    "office.hours": _("office hours changed"),
    "office.national_holidays": _("national holidays loaded"),
    "paksa.export": _("Surat Paksa list exported"),
    "paksa.issue": _("Surat Paksa recorded"),
    "paksa.list": _("Surat Paksa list viewed"),
    "paksa.serve": _("Surat Paksa served"),
    "payment.assign": _("payment assigned"),
    "payment.claim": _("payment claim received"),
    "payment.claim_found": _("payment claim matched"),
    "payment.claim_resolve": _("payment claim settled"),
    "payment.claims": _("payment claims viewed"),
    "payment.import": _("payments recorded"),
    "payment.list": _("payment list viewed"),
    "payment.unmatched": _("unmatched payments viewed"),
    "taxpayer.search": _("taxpayer search"),
    "taxpayer.view": _("taxpayer page viewed"),
    "template.new_version": _("template: new version"),
    "template.submit": _("template submitted"),
    "template.sync": _("template synchronised"),
    "webhook.discard": _("webhook event discarded"),
    "webhook.reprocess": _("webhook event re-processed"),
    "whatsapp.enqueue": _("WhatsApp message queued"),
}


CHANNEL_LABELS = {
    "web": _("console"),
    "api": _("API"),
    "cli": _("command line"),
    "bot": _("bot"),
    "job": _("background job"),
    "whatsapp": _("WhatsApp"),
    "public": _("public page"),
}


def action_label(code: str) -> str:
    """The action in the active language; an unknown code (an entry from an older version) as it is."""
    return _label(ACTION_LABELS, code)


def channel_label(code: str) -> str:
    return _label(CHANNEL_LABELS, code)


def _label(labels: dict, code: str) -> str:
    label = labels.get(code)
    return str(label) if label is not None else code
