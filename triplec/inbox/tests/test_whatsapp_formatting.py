"""WhatsApp markup end to end: a taxpayer's name never turns into formatting in the bot's answer, and the officer's
inbox shows the bot's own formatting the way the phone does, not as raw asterisks."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.conversations import answers
from triplec.messaging.models import Lane
from triplec.messaging.tests.factories import queue_text
from triplec.tests.support import make_document, make_office

from .factories import conversation, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


def test_it_shows_a_name_with_asterisks_literally_and_the_total_in_bold_in_the_inbox():
    office = make_office()
    a = officer("petugas_a", office)
    tp = taxpayer_with_contact(office, name="CV *Bintang* _Timur_")
    doc = make_document(tp, amount=2_250_000)
    text = answers.rincian(tp, [doc], [], [])
    assert "*Bintang*" not in text and "_Timur_" not in text
    assert "*Total masih harus dibayar: Rp2.250.000*" in text  # our own formatting stays

    c = conversation(office, taxpayer=tp, assigned_to=a)
    queue_text(c.channel, text, "rincian-1", to=c.peer.wa_id, lane=Lane.BULK, taxpayer=tp)
    client = Client()
    client.force_login(a)
    page = client.get(reverse("inbox:timeline_fragment", args=[c.pk])).content.decode()
    assert "<strong>Total masih harus dibayar: Rp2.250.000</strong>" in page and "*Total" not in page
    assert "<strong>Bintang</strong>" not in page and "<em>Timur</em>" not in page
