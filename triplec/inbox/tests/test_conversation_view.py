"""What the officer reads in a conversation: the campaign message the taxpayer answered, replies under the
officer's display name, the handoff's reason once, and one answer to "is the identity confirmed"."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from triplec.conversations.models import ConversationEvent, ConversationState
from triplec.conversations.services import conversation_handoff
from triplec.inbox import selectors, services
from triplec.messaging.models import OutboundMessage, State, Template, TemplateStatus
from triplec.messaging.tests.factories import queue_template
from triplec.taxpayers.models import Contact

from .factories import conversation, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    from triplec.tests.support import make_office

    office = make_office()
    a = officer("petugas_a", office)
    a.full_name = "Maria Ndun"
    a.save(update_fields=["full_name"])
    tp = taxpayer_with_contact(office)
    return conversation(office, taxpayer=tp, assigned_to=a, state=ConversationState.OPEN), a


def test_it_shows_the_campaign_message_the_taxpayer_answered_at_the_top_of_the_timeline(chat):
    c, a = chat
    template = Template.objects.create(
        channel=c.channel,
        name="surat_teguran_v1",
        status=TemplateStatus.APPROVED,
        body="Yth. {{1}}, Surat Teguran nomor {{2}} belum dilunasi.",
    )
    sent = queue_template(
        c.channel,
        "campaign:1:1",
        template=template,
        to=c.peer.wa_id,
        params=["Budi Santoso", "ST-00045/WPJ.29/KP.05/2026"],
        taxpayer=c.taxpayer,
    )
    OutboundMessage.objects.filter(pk=sent.pk).update(state=State.READ, created_at=c.opened_at - dt.timedelta(days=2))
    lines = selectors.timeline(c, a)
    assert lines[0].direction == "out" and lines[0].pk == sent.pk
    assert lines[0].text == "Yth. Budi Santoso, Surat Teguran nomor ST-00045/WPJ.29/KP.05/2026 belum dilunasi."


def test_it_leaves_out_a_campaign_message_that_never_reached_the_phone(chat):
    c, a = chat
    template = Template.objects.create(
        channel=c.channel, name="surat_teguran_v1", status=TemplateStatus.APPROVED, body="Yth. {{1}}."
    )
    failed = queue_template(
        c.channel, "campaign:1:2", template=template, to=c.peer.wa_id, params=["Budi"], taxpayer=c.taxpayer
    )
    OutboundMessage.objects.filter(pk=failed.pk).update(
        state=State.FAILED, created_at=c.opened_at - dt.timedelta(days=1)
    )
    assert failed.pk not in [line.pk for line in selectors.timeline(c, a)]


def test_it_signs_the_officers_reply_with_their_display_name(chat):
    c, a = chat
    services.inbox_reply_send(conversation=c, actor=a, text="Selamat siang")
    [reply] = [line for line in selectors.timeline(c, a) if line.direction == "out"]
    assert reply.actor == "Maria Ndun"
    client = Client()
    client.force_login(a)
    page = client.get(reverse("inbox:timeline_fragment", args=[c.pk])).content.decode()
    assert "Maria Ndun" in page and "petugas_a" not in page


def test_it_says_the_handoff_reason_once(chat):
    c, a = chat
    c.state, c.handed_off_at = ConversationState.MENU, None
    c.save(update_fields=["state", "handed_off_at"])
    conversation_handoff(
        conversation=c,
        reason="minta_petugas",
        now=timezone.now(),
        summary="Alasan: Wajib pajak minta bicara dengan petugas.\nWajib pajak: Budi",
    )
    event = ConversationEvent.objects.get(conversation=c, kind="handoff")
    assert event.text.count("Alasan") == 1 and "minta_petugas" not in event.text


def test_it_shows_a_registered_recently_verified_contact_as_confirmed_without_a_challenge(chat):
    c, a = chat
    c.verified_taxpayer, c.verified_at = None, None  # no challenge in this conversation
    c.save(update_fields=["verified_taxpayer", "verified_at"])
    assert selectors.taxpayer_panel(c)["verified"] is True  # as the handoff summary says: "terkonfirmasi"


def test_it_shows_an_old_verification_as_not_confirmed(chat, settings):
    c, a = chat
    c.verified_taxpayer, c.verified_at = None, None
    c.save(update_fields=["verified_taxpayer", "verified_at"])
    Contact.objects.filter(taxpayer=c.taxpayer).update(verified_at=timezone.now() - dt.timedelta(days=3650))
    assert selectors.taxpayer_panel(c)["verified"] is False  # "perlu dikonfirmasi"


def test_it_shows_the_events_and_the_handoff_in_indonesian_with_the_reason_once(chat):
    c, a = chat
    c.state, c.handed_off_at = ConversationState.MENU, None
    c.save(update_fields=["state", "handed_off_at"])
    ConversationEvent.objects.create(conversation=c, kind="challenge", text="never verified")
    ConversationEvent.objects.create(conversation=c, kind="challenge_passed", text="npwp_hidden")
    conversation_handoff(
        conversation=c,
        reason="minta_petugas",
        now=timezone.now(),
        summary="Alasan: Wajib pajak minta bicara dengan petugas.\nWajib pajak: Budi; identitas terkonfirmasi",
    )
    ConversationEvent.objects.create(conversation=c, kind="billing_code", text="100732718759623", actor=a)
    client = Client()
    client.force_login(a)
    page = client.get(reverse("inbox:conversation", args=[c.pk])).content.decode()
    assert (
        "Diteruskan ke petugas — Alasan: Wajib pajak minta bicara dengan petugas. · Wajib pajak: Budi; identitas "
        "terkonfirmasi" in page
    )
    assert "Alasan diteruskan" not in page
    timeline = client.get(reverse("inbox:timeline_fragment", args=[c.pk])).content.decode()
    for shown in (
        "Pertanyaan identitas diajukan: belum pernah diverifikasi",
        "Pertanyaan identitas terjawab: digit NPWP yang disamarkan",
        "Diteruskan ke petugas: Alasan:",
        "Kode billing dikirim: 100732718759623 — Maria Ndun",
    ):
        assert shown in timeline
    for code in ("challenge", "npwp_hidden", "never verified", "handoff:", "billing_code"):
        assert code not in re.sub(r'data-(kind|event)="[^"]*"', "", timeline)
