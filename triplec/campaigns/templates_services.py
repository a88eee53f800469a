"""Writes of the message-template page: submit a template to WhatsApp for review, sync it from WhatsApp, make a
new version. Section heads and administrators (`template.manage`), for their own office's channel."""

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from triplec.accounts.permissions import allowed
from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase
from triplec.messaging import registry
from triplec.messaging.models import Template
from triplec.messaging.providers.base import ProviderError

log = logging.getLogger(__name__)
ACTIONS = ("submit", "sync", "new_version")
TEMPLATE_ACTIONS = {
    "submit": gettext_noop("template %(name)s v%(version)s submitted to WhatsApp (%(status)s)"),
    "sync": gettext_noop("template %(name)s v%(version)s synchronised (%(status)s)"),
    "new_version": gettext_noop("template %(name)s: new version v%(version)s (%(status)s)"),
}


class TemplateActionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def template_action(*, template: Template, actor, action: str, channel: str = "web") -> Template:
    """Do `action` on the current version of `template`; the template as it is afterwards."""
    if action not in ACTIONS:
        raise TemplateActionError(_("Unknown template action."))
    if actor is None or not allowed(actor, "template.manage"):
        raise TemplateActionError(_("Only section heads and administrators manage message templates."))
    if not actor.is_administrator and actor.office_id != template.channel.office_id:
        raise TemplateActionError(_("Templates of another office cannot be changed."))
    try:
        if action == "submit":
            template = registry.template_submit(template=template)
        elif action == "sync":
            template = registry.template_sync_one(template=template)
        else:
            template = registry.template_new_version(template=template)
    except ProviderError as exc:
        log.warning("template %s: %s failed: %s", template.name, action, exc)
        raise TemplateActionError(
            _("WhatsApp refused or did not answer: %(reason)s") % {"reason": exc.reason_id}
        ) from None
    audit_record(
        action=f"template.{action}",
        actor=actor,
        office=template.channel.office,
        channel=channel,
        summary=Phrase(TEMPLATE_ACTIONS[action], name=template.name, version=template.version, status=template.status),
        detail={"template": template.pk, "status": template.status},
    )
    return template
