"""Writes about taxpayers and their WhatsApp contacts. The importer, console, API and bot all call these."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from triplec.accounts.permissions import require
from triplec.audit.services import audit_record
from triplec.core.phrases import Phrase

from .models import Contact, ContactChange, ContactSource, ContactStatus, Taxpayer

# Contact statuses for audit summaries (the same texts as ContactStatus's labels).
STATUS_PHRASES = {
    ContactStatus.ACTIVE: Phrase("active"),
    ContactStatus.OPTED_OUT: Phrase("opted out"),
    ContactStatus.UNDELIVERABLE: Phrase("undeliverable"),
    ContactStatus.WRONG_NUMBER: Phrase("wrong number"),
}


@transaction.atomic
def contact_set_number(
    *,
    taxpayer: Taxpayer,
    phone: str,
    source: str,
    verified_at: dt.datetime | None = None,
    wa_user_id: str | None = None,
    actor=None,
    channel: str = "web",
    note: str = "",
) -> tuple[Contact, bool]:
    """Register or change the taxpayer's WhatsApp number (already E.164). Returns (contact, changed).

    A new number starts active again and its change time is kept, because the bot must challenge a
    number that changed recently before disclosing anything (Pasal 34 KUP).
    """
    require(_user(actor), "contact.change_number", office_id=taxpayer.office_id)

    def record(action: str, summary: Phrase, **change) -> None:  # the contact's history row and the audit entry
        ContactChange.objects.create(contact=contact, changed_by=_user(actor), source=source, note=note, **change)
        detail = {"source": source}
        audit_record(
            action=action, actor=actor, obj=contact, taxpayer=taxpayer, channel=channel, summary=summary, detail=detail
        )

    contact = Contact.objects.select_for_update().filter(taxpayer=taxpayer).first()
    if contact is None:
        contact = Contact.objects.create(
            taxpayer=taxpayer, phone=phone, source=source, verified_at=verified_at, wa_user_id=wa_user_id or ""
        )
        record("contact.create", Phrase("WhatsApp contact registered"), new_phone=phone, new_status=contact.status)
        return contact, True

    changed = False
    if contact.phone != phone:
        record(
            "contact.change_number",
            Phrase("WhatsApp number changed"),
            old_phone=contact.phone,
            new_phone=phone,
            old_status=contact.status,
            new_status=ContactStatus.ACTIVE,
        )
        contact.phone, contact.status, contact.status_reason = phone, ContactStatus.ACTIVE, ""
        contact.number_changed_at = timezone.now()
        contact.wa_user_id = wa_user_id or ""
        contact.source = source
        changed = True
    if verified_at is not None and contact.verified_at != verified_at:
        contact.verified_at, changed = verified_at, True
    if wa_user_id and contact.wa_user_id != wa_user_id:
        contact.wa_user_id, changed = wa_user_id, True
    if changed:
        contact.save()
    return contact, changed


@transaction.atomic
def contact_set_status(
    *,
    contact: Contact,
    status: str,
    reason: str = "",
    actor=None,
    channel: str = "web",
    source: str = ContactSource.STAFF,
) -> Contact:
    """Opt-out, opt-in, undeliverable, wrong number: each kept in the contact's history and the audit log."""
    require(_user(actor), "contact.change_status", office_id=contact.taxpayer.office_id)
    if contact.status == status:
        return contact
    ContactChange.objects.create(
        contact=contact,
        changed_by=_user(actor),
        source=source,
        old_phone=contact.phone,
        new_phone=contact.phone,
        old_status=contact.status,
        new_status=status,
        note=reason,
    )
    summary = Phrase(
        "contact status: %(old)s → %(new)s",
        old=STATUS_PHRASES.get(contact.status, contact.status),
        new=STATUS_PHRASES.get(status, status),
    )
    detail = {"reason": reason}
    audit_record(action="contact.status", actor=actor, obj=contact, channel=channel, summary=summary, detail=detail)
    contact.status, contact.status_reason = status, reason
    contact.save(update_fields=["status", "status_reason", "updated_at"])
    return contact


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
