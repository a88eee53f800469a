"""The officer's actions: reply only inside the 24-hour window, templates after it, notes never sent, resolve and
reopen, wrong number / opt-out, quick replies with variables, billing code from the panel."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.conversations.models import ConversationEvent, ConversationState
from triplec.inbox import services
from triplec.inbox.models import QuickReply, SlaRecord
from triplec.messaging.models import OutboundMessage, Peer, Template, TemplateStatus
from triplec.taxpayers.models import Contact, ContactStatus
from triplec.tests.support import make_document, make_office, make_user

from .factories import conversation, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    office = make_office()
    a = officer("petugas_a", office)
    tp = taxpayer_with_contact(office)
    c = conversation(office, taxpayer=tp, assigned_to=a, state=ConversationState.OPEN)
    return c, a


def test_it_queues_a_free_text_reply_inside_the_window_and_stops_the_first_response_clock(chat):
    c, a = chat
    message = services.inbox_reply_send(conversation=c, actor=a, text="Selamat siang, ada yang bisa dibantu?")
    assert message.kind == "text" and message.lane == 0 and message.to == "6281234567890"
    c.refresh_from_db()
    assert c.state == ConversationState.WAITING_TAXPAYER and c.first_response_at is not None
    assert SlaRecord.objects.get(conversation=c).officer == a


def test_it_blocks_free_text_once_the_window_closed_but_sends_a_template(chat):
    c, a = chat
    Peer.objects.filter(pk=c.peer_id).update(last_inbound_at=timezone.now() - dt.timedelta(hours=25))
    c.peer.refresh_from_db()
    with pytest.raises(services.InboxError, match="Jendela 24 jam"):
        services.inbox_reply_send(conversation=c, actor=a, text="halo")
    response = Client()
    response.force_login(a)
    page = response.get(reverse("inbox:conversation", args=[c.pk])).content.decode()
    assert 'id="template-form"' in page and 'id="reply-text"' not in page
    template = Template.objects.create(
        channel=c.channel,
        name="sapaan_lanjutan_v1",
        parameter_format="NAMED",
        body="Yth. {{nama}}, lanjut soal {{perihal}}.",
        status=TemplateStatus.APPROVED,
    )
    message = services.inbox_template_send(
        conversation=c, actor=a, template=template, params={"nama": "Budi", "perihal": "tagihan"}
    )
    assert message.kind == "template" and not OutboundMessage.objects.filter(kind="text").exists()


def test_it_keeps_notes_internal(chat):
    c, a = chat
    services.inbox_note_add(conversation=c, actor=a, text="WP akan datang ke kantor Senin")
    assert ConversationEvent.objects.filter(conversation=c, kind="note").count() == 1
    assert not OutboundMessage.objects.exists()
    with pytest.raises(services.InboxError):
        services.inbox_note_add(conversation=c, actor=a, text="   ")


def test_it_resolves_and_reopens_with_audit(chat):
    c, a = chat
    services.inbox_resolve(conversation=c, actor=a)
    c.refresh_from_db()
    assert (
        c.state == ConversationState.RESOLVED and SlaRecord.objects.get(conversation=c).resolution_seconds is not None
    )
    with pytest.raises(services.InboxError, match="selesai"):
        services.inbox_reply_send(conversation=c, actor=a, text="halo")
    services.inbox_reopen(conversation=c, actor=a)
    c.refresh_from_db()
    assert c.state == ConversationState.OPEN
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"conversation.resolve", "conversation.reopen"}


def test_it_marks_a_wrong_number_and_then_refuses_to_send(chat):
    c, a = chat
    assert (
        services.inbox_contact_status_set(
            conversation=c, actor=a, status=ContactStatus.WRONG_NUMBER, reason="Bukan nomor WP"
        )
        == 1
    )
    assert Contact.objects.get().status == ContactStatus.WRONG_NUMBER
    with pytest.raises(services.InboxError, match="Kontak berstatus"):
        services.inbox_reply_send(conversation=c, actor=a, text="halo")


def test_it_fills_quick_reply_variables_and_keeps_unknown_ones_visible(chat):
    c, a = chat
    head = make_user("kasi", Role.SECTION_HEAD, office=c.office)  # quick replies are the section head's to edit
    reply = services.quick_reply_save(
        office=c.office, title="Salam", actor=head, body="Yth. {nama}, saya {petugas} dari {kantor}. {lainnya}"
    )
    assert (
        services.quick_reply_fill(reply, conversation=c, actor=a)
        == "Yth. Budi Santoso, saya Petugas_A dari KPP Pratama Kupang. {lainnya}"
    )
    with pytest.raises(services.InboxError):
        services.quick_reply_save(office=c.office, title="Salam", body="lain", actor=head)
    assert QuickReply.objects.count() == 1


def test_it_issues_and_queues_a_billing_code_for_chosen_documents(chat):
    c, a = chat
    document = make_document(c.taxpayer, amount=1_250_000)
    code, message = services.inbox_billing_code_send(conversation=c, actor=a, document_ids=[document.pk])
    assert code.amount == 1_250_000 and code.code_display in message.payload["text"]["body"]
    with pytest.raises(services.InboxError):
        services.inbox_billing_code_send(conversation=c, actor=a, document_ids=[])


def test_it_shows_ticks_and_the_indonesian_failure_reason_in_the_timeline(chat):
    c, a = chat
    message = services.inbox_reply_send(conversation=c, actor=a, text="Mohon konfirmasi")
    OutboundMessage.objects.filter(pk=message.pk).update(
        state="failed", error_reason="Nomor tidak terdaftar di WhatsApp"
    )
    client = Client()
    client.force_login(a)
    html = client.get(reverse("inbox:timeline_fragment", args=[c.pk])).content.decode()
    assert 'data-state="failed"' in html and "Nomor tidak terdaftar di WhatsApp" in html


def test_it_audits_deleting_a_quick_reply_like_saving_one(chat):
    c, _a = chat
    head = officer("kasi", c.office, role="section_head")
    reply = services.quick_reply_save(office=c.office, title="Salam", body="Selamat siang {nama}", actor=head)
    client = Client()
    client.force_login(head)
    client.post(reverse("inbox:quick_replies"), {"id": reply.pk, "delete": "1"})
    assert not QuickReply.objects.filter(pk=reply.pk).exists()
    entry = AuditEntry.objects.get(action="inbox.quick_reply_delete")
    assert entry.actor == head and entry.detail["title"] == "Salam"


def test_it_issues_a_billing_code_for_the_amount_the_taxpayer_asked_to_pay_from_the_inbox_form(chat):
    c, a = chat
    document = make_document(c.taxpayer, amount=1_250_000)
    client = Client()
    client.force_login(a)
    client.post(reverse("inbox:billing", args=[c.pk]), {"documents": [document.pk], "amount": "250.000"})
    from triplec.billing.models import BillingCode

    code = BillingCode.objects.get()
    assert code.amount == 250_000
    assert "Rp250.000" in OutboundMessage.objects.get(idempotency_key=f"billing:{code.code}").payload["text"]["body"]
    with pytest.raises(services.InboxError, match="paling banyak"):
        services.inbox_billing_code_send(conversation=c, actor=a, document_ids=[document.pk], amount="2.000.000")


def test_it_sends_a_billing_code_to_a_number_never_verified_once_the_bot_confirmed_the_identity_here(chat):
    """The panel says "identitas terverifikasi" after the bot's identity question: the officer's billing code then
    goes, as the bot's own would; without that confirmation an unverified number gets no debt detail."""
    c, a = chat
    Contact.objects.filter(taxpayer=c.taxpayer).update(verified_at=None)
    c.verified_taxpayer, c.verified_at = None, None
    c.save(update_fields=["verified_taxpayer", "verified_at"])
    document = make_document(c.taxpayer, amount=750_000)
    with pytest.raises(services.InboxError, match="belum terverifikasi"):
        services.inbox_billing_code_send(conversation=c, actor=a, document_ids=[document.pk])
    c.verified_taxpayer, c.verified_at = c.taxpayer, timezone.now()  # the challenge passed in this conversation
    c.save(update_fields=["verified_taxpayer", "verified_at"])
    code, message = services.inbox_billing_code_send(conversation=c, actor=a, document_ids=[document.pk])
    assert code.code_display in message.payload["text"]["body"]
