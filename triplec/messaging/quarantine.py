"""Writes of the webhook quarantine: an administrator re-processes or discards a quarantined event. Above
webhooks.py, whose processing a re-process runs again."""

import logging

from django.utils.translation import gettext as _

from triplec.accounts.permissions import require
from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase

from .models import EventState, WebhookEvent
from .services import MessagingError
from .webhooks import process_events

log = logging.getLogger(__name__)


def webhook_reprocess(*, event: WebhookEvent, actor) -> WebhookEvent:
    """An administrator sends a quarantined event through processing again (say, once its channel exists or the
    code reads a new shape). It ends processed, or quarantined again with the new reason; audited either way."""
    _check_quarantined(event, actor, _("Only a quarantined webhook event can be re-processed."))
    if event.body_altered:
        raise MessagingError(
            _(
                "This body was altered to be stored (it was not UTF-8 text, or held a NUL byte), "
                "so it cannot be processed."
            )
        )
    before = _reason(event)
    WebhookEvent.objects.filter(pk=event.pk, state=EventState.QUARANTINED).update(
        state=EventState.PENDING, attempts=0, error="", reason_code="", reason="", quarantined_at=None
    )
    try:
        process_events([event.pk])
    except Exception:  # the database failed, say: the event is pending again and the loops pick it up
        log.exception("re-processing webhook event %s failed; left pending", event.pk)
    event.refresh_from_db()
    summary = Phrase("webhook event %(id)s re-processed", id=event.pk)
    return _decision_record(event, actor, "webhook.reprocess", summary, before=before, state=event.state)


def webhook_discard(*, event: WebhookEvent, actor) -> WebhookEvent:
    """An administrator decides a quarantined event will never be processed. The row stays (its hash keeps
    Meta's retries of the same body from coming back in); audited."""
    _check_quarantined(event, actor, _("Only a quarantined webhook event can be discarded."))
    WebhookEvent.objects.filter(pk=event.pk, state=EventState.QUARANTINED).update(state=EventState.DISCARDED)
    event.refresh_from_db()
    return _decision_record(event, actor, "webhook.discard", Phrase("webhook event %(id)s discarded", id=event.pk))


def _check_quarantined(event: WebhookEvent, actor, refusal: str) -> None:
    """The actor holds `webhook.quarantine`, and the event is still quarantined."""
    require(actor, "webhook.quarantine")
    if event.state != EventState.QUARANTINED:
        raise MessagingError(refusal)


def _reason(event: WebhookEvent) -> dict[str, str]:
    """Why the event is (or was) quarantined, as the audit log keeps it."""
    return {"reason_code": event.reason_code, "reason": event.reason[:500]}


def _decision_record(event: WebhookEvent, actor, action: str, summary: Phrase, **detail) -> WebhookEvent:
    """Audit an administrator's decision on the event as it now stands, with its reason."""
    audit_record(action=action, actor=actor, obj=event, summary=summary, detail={**detail, **_reason(event)})
    return event
