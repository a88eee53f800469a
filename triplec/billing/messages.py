"""Messages to the taxpayer about billing codes and receipts, sent through the WhatsApp outbox.

Free text while the 24-hour window is open; the approved template outside it (Meta's rule). Both carry debt
detail, so they go only to a verified, active contact (Pasal 34 UU KUP). Texts to taxpayers are Indonesian.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from triplec.accounts.permissions import require
from triplec.core.dates import waktu
from triplec.core.money import rupiah
from triplec.core.whatsapp_markup import escape as wa
from triplec.ledger.kap import kap_name
from triplec.ledger.selectors import debt_totals, owed_documents
from triplec.messaging.models import Lane, Peer, Template, TemplateStatus
from triplec.messaging.registry import template_save
from triplec.messaging.services import MessagingError, channel_for_office, message_enqueue
from triplec.taxpayers.models import Contact, ContactStatus

log = logging.getLogger(__name__)

# Templates as registered on the WABA. kode_billing_v2 is ours (submitted by `ensure_templates`): it carries
# how to pay and "hanya ke Kas Negara", which the office's older kode_billing_v1 lacks; v1 is the fallback
# while v2 awaits Meta's approval. bukti_pembayaran_v1 is the office's receipt template.
BILLING_TEMPLATE = "kode_billing_v2"
BILLING_TEMPLATE_FALLBACK = "kode_billing_v1"
RECEIPT_TEMPLATE = "bukti_pembayaran_v1"

BILLING_TEXT = (
    "Yth. {name}, berikut kode billing untuk pembayaran tagihan pajak Anda:\n\n"
    "Kode billing: {code}\nJumlah: {amount}\nBerlaku sampai: {expires}\nDokumen: {documents}\n\n"
    "Cara bayar: teller bank atau kantor pos persepsi, ATM, internet banking atau mobile banking, dengan "
    "memasukkan kode billing di atas. Pembayaran HANYA ke Kas Negara melalui kode billing ini; jangan pernah "
    "mentransfer ke rekening pribadi siapa pun, termasuk yang mengaku petugas pajak."
)
RECEIPT_TEXT = (
    "Terima kasih, {name}. Pembayaran sebesar {amount} dengan NTPN {ntpn} pada {paid} telah kami terima dan "
    "dicatat untuk {documents}.\n\nSisa tagihan Anda: {remaining}."
)

# Bodies we submit to Meta (positional parameters).
TEMPLATE_BODIES = {
    BILLING_TEMPLATE: (
        "Yth. {{1}}, berikut kode billing untuk pembayaran tagihan pajak Anda:\n\n"
        "Kode billing: {{2}}\nJumlah: {{3}}\nBerlaku sampai: {{4}}\nDokumen: {{5}}\n\n"
        "Cara bayar: teller bank atau kantor pos persepsi, ATM, internet banking atau mobile banking. "
        "Pembayaran HANYA ke Kas Negara melalui kode billing ini, jangan pernah ke rekening pribadi siapa pun."
    ),
}


class MessageNotSent(Exception):
    """Why a message was not queued (no verified contact, template not approved...): shown to staff."""


@dataclass(frozen=True)
class RenderedMessage:
    templates: dict  # template name -> its parameters, in order of preference
    text: str  # the free-text version, for an open window


def _wita(moment, office) -> str:
    """ "5 Desember 2026 pukul 14.30 WITA": the office's zone, Indonesian month names."""
    return waktu(moment, getattr(office, "time_zone", "") or "Asia/Makassar")


def _tax_name(kap: str) -> str:
    name = kap_name(kap)
    return name if name != kap else "Pajak"


def render_billing_message(billing_code) -> RenderedMessage:
    """Code, amount, expiry in the office's zone (WITA), where to pay, and: only to Kas Negara."""
    taxpayer = billing_code.taxpayer
    items = list(billing_code.items.all())
    name, documents = wa(taxpayer.name), wa(", ".join(item.document_number for item in items))
    amount, expires = rupiah(billing_code.amount), _wita(billing_code.expires_at, billing_code.office)
    text = BILLING_TEXT.format(
        name=name, code=billing_code.code_display, amount=amount, expires=expires, documents=documents
    )
    return RenderedMessage(
        {
            BILLING_TEMPLATE: [name, billing_code.code_display, amount, expires, documents],
            BILLING_TEMPLATE_FALLBACK: {
                "header": [_tax_name(items[0].kap) if items else "Pajak"],
                "body": [name, documents, amount, billing_code.code, expires],
            },
        },
        text,
    )


def render_receipt_message(payment) -> RenderedMessage:
    """NTPN, amount, date, the documents paid, and what is still owed (so the taxpayer knows where they stand)."""
    paid = [a.document for a in payment.allocations.select_related("document").order_by("id")]
    # Each document as paid off, or with what it still owes after a partial payment.
    documents = wa(
        ", ".join(
            f"{d.get_document_type_display()} {d.number} "
            + ("(lunas)" if d.amount_due == 0 else f"(sisa {rupiah(d.amount_due)})")
            for d in paid
        )
        or "-"
    )
    remaining = debt_totals(owed_documents(taxpayer=payment.taxpayer)).amount
    values = dict(
        name=wa(payment.taxpayer.name),
        amount=rupiah(payment.amount),
        ntpn=wa(payment.ntpn),
        paid=_wita(payment.paid_at, payment.office).split(" pukul ")[0],
        documents=documents,
        remaining=rupiah(remaining),
    )
    return RenderedMessage(
        {RECEIPT_TEMPLATE: [values[k] for k in ("name", "amount", "ntpn", "paid", "documents", "remaining")]},
        RECEIPT_TEXT.format(**values),
    )


def _send(
    taxpayer,
    office,
    rendered: RenderedMessage,
    key: str,
    *,
    actor=None,
    force_template: bool = False,
    reply: bool = False,
    identity_confirmed: bool = False,
):
    """The seam to the messaging app: returns the OutboundMessage, or raises MessageNotSent with the reason."""
    contact = Contact.objects.filter(taxpayer=taxpayer).first()
    if contact is None or not (contact.phone or contact.wa_user_id):
        raise MessageNotSent("Wajib pajak tidak memiliki nomor WhatsApp terdaftar")
    if contact.status != ContactStatus.ACTIVE:
        raise MessageNotSent(f"Kontak WhatsApp berstatus {contact.get_status_display()}")
    if contact.verified_at is None and not identity_confirmed:
        raise MessageNotSent(
            "Nomor WhatsApp belum terverifikasi; rincian tagihan tidak boleh dikirim (Pasal 34 UU KUP)"
        )
    channel = channel_for_office(office)
    to = contact.phone or contact.wa_user_id
    peer = (
        Peer.objects.filter(channel=channel, wa_id=contact.phone.lstrip("+")).first()
        if contact.phone
        else Peer.objects.filter(channel=channel, user_id=contact.wa_user_id).first()
    )
    lane = Lane.REPLY if reply else Lane.BULK
    try:
        if peer is not None and peer.window_open() and not force_template:
            return message_enqueue(
                channel=channel,
                to=to,
                kind="text",
                idempotency_key=key,
                lane=lane,
                payload={"text": rendered.text},
                taxpayer=taxpayer,
                actor=actor,
            )
        approved = {
            t.name: t
            for t in Template.objects.filter(
                channel=channel, name__in=list(rendered.templates), is_current=True, status=TemplateStatus.APPROVED
            )
        }
        name = next((n for n in rendered.templates if n in approved), None)
        if name is None:
            raise MessageNotSent(
                f"Template {' / '.join(rendered.templates)} belum disetujui Meta; jendela 24 jam tertutup"
            )
        return message_enqueue(
            channel=channel,
            to=to,
            kind="template",
            idempotency_key=key,
            lane=lane,
            template=approved[name],
            params=rendered.templates[name],
            taxpayer=taxpayer,
            actor=actor,
        )
    except MessagingError as exc:
        raise MessageNotSent(str(exc)) from None


def send_billing_code(*, billing_code, actor=None, force_template: bool = False, identity_confirmed: bool = False):
    """Queue the code for the taxpayer (reply lane: they are usually waiting for it). `identity_confirmed`: the
    person on the registered number has just proved who they are in a conversation with the office (the bot's
    identity question), which stands in for a registered verification of the number, as it does for the bot."""
    require(actor, "billing.issue", office_id=billing_code.office_id)
    rendered = render_billing_message(billing_code)
    return _send(
        billing_code.taxpayer,
        billing_code.office,
        rendered,
        f"billing:{billing_code.code}",
        actor=actor,
        force_template=force_template,
        reply=True,
        identity_confirmed=identity_confirmed,
    )


def send_payment_receipt(*, payment, actor=None):
    """The receipt naming the NTPN and the documents it paid: always the template (sent whenever the data lands)."""
    if payment.taxpayer_id is None:
        raise MessageNotSent("Pembayaran belum dicocokkan dengan wajib pajak")
    rendered = render_receipt_message(payment)
    try:
        return _send(
            payment.taxpayer, payment.office, rendered, f"receipt:{payment.ntpn}", actor=actor, force_template=True
        )
    except MessageNotSent as exc:
        log.info("receipt for payment %s not queued: %s", payment.pk, exc)
        return None


def ensure_templates(channel) -> None:
    """Register our two templates on a channel (status as Meta decides; the simulator approves)."""
    for name, body in TEMPLATE_BODIES.items():
        template_save(channel=channel, name=name, body=body, category="UTILITY", footer="Hanya ke Kas Negara")
