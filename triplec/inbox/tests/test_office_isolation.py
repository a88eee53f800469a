"""Office isolation of the live inbox, written as the attack was made: an office-999 taxpayer writes to office
922's WhatsApp number; office 922's officer must learn nothing about them and change nothing of theirs."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from triplec.audit.models import AuditEntry
from triplec.billing.models import BillingCode
from triplec.conversations.bot import handle_inbound
from triplec.conversations.models import Conversation
from triplec.inbox import selectors
from triplec.ledger.models import Payment
from triplec.messaging.models import InboundMessage
from triplec.messaging.tests.factories import inbound_payload, make_channel
from triplec.messaging.webhooks import process_payload
from triplec.taxpayers.models import Contact, ContactSource, ContactStatus
from triplec.tests.support import make_billing_code, make_document, make_office, make_taxpayer, valid_npwp15

from .factories import officer

pytestmark = pytest.mark.django_db

NUMBER = "6281299990001"
AMOUNT = "77.700.000"


def _contact(taxpayer, phone: str = "+" + NUMBER) -> Contact:
    return Contact.objects.create(
        taxpayer=taxpayer,
        phone=phone,
        source=ContactSource.REGISTRATION,
        verified_at=timezone.now() - dt.timedelta(days=3),
    )


@pytest.fixture
def attack(monkeypatch):
    from triplec.conversations import bot

    monkeypatch.setattr(bot, "now", lambda: dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))  # Wednesday 10.00 WITA
    kupang, elsewhere = make_office("922"), make_office("999", "KPP Pratama Lain")
    make_channel(office=kupang)  # the only WhatsApp number: office 999's taxpayer writes to office 922's
    stranger = make_taxpayer(elsewhere, "Siti Rahasia Lain", npwp15=valid_npwp15(kpp="999"))
    _contact(stranger)
    document = make_document(stranger, number="00777/101/25/999/26", amount=77_700_000)
    now = timezone.now()
    code = make_billing_code(stranger, 77_700_000, items_key="x", issued_at=now)
    Payment.objects.create(ntpn="ABCD1234EFGH5678", office=elsewhere, taxpayer=stranger, amount=1_000, paid_at=now)
    petugas1 = officer("petugas1", kupang)
    process_payload(inbound_payload("hubungi petugas", wa_id=NUMBER))
    handle_inbound(message=InboundMessage.objects.get())
    conversation = Conversation.objects.get()
    secrets = [
        stranger.name,
        stranger.npwp_display,
        stranger.npwp16,
        stranger.npwp15,
        document.number,
        AMOUNT,
        code.code,
        "ABCD1234EFGH5678",
        "S.R.L.",
    ]
    return dict(conversation=conversation, petugas1=petugas1, stranger=stranger, document=document, secrets=secrets)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_office_922_nothing_of_an_office_999_taxpayer_who_writes_to_its_number(attack):
    c = attack["conversation"]
    assert c.office.code == "922" and c.taxpayer_id is None
    client = _client(attack["petugas1"])
    pages = [
        client.get(reverse("inbox:conversation", args=[c.pk])),
        client.get(reverse("inbox:timeline_fragment", args=[c.pk])),
        client.get(reverse("inbox:conversation_json", args=[c.pk])),
        client.get(reverse("inbox:inbox") + "?view=unassigned"),
        client.get(reverse("inbox:queue_json") + "?view=unassigned"),
    ]
    assert pages[0].status_code == 200  # the chat itself is office 922's: an unknown sender
    for response in pages:
        body = response.content.decode()
        for secret in attack["secrets"]:
            assert secret not in body, (response.request["PATH_INFO"], secret)
    # The bot answered the number as unknown too: nothing of office 999 went out on office 922's number.
    from triplec.messaging.models import OutboundMessage

    for message in OutboundMessage.objects.all():
        for secret in attack["secrets"]:
            assert secret not in str(message.payload), secret
    assert selectors.conversation_taxpayer(c) is None and selectors.taxpayer_panel(c)["unknown"]


def test_it_refuses_office_922_changing_the_contact_status_of_an_office_999_taxpayer(attack):
    c = attack["conversation"]
    _client(attack["petugas1"]).post(reverse("inbox:contact_status", args=[c.pk]), {"status": "opt_out"})
    assert Contact.objects.get(taxpayer=attack["stranger"]).status == ContactStatus.ACTIVE
    assert not AuditEntry.objects.filter(action="contact.status").exists()


def test_it_refuses_office_922_issuing_billing_on_an_office_999_document(attack):
    c = attack["conversation"]
    before = BillingCode.objects.count()
    _client(attack["petugas1"]).post(reverse("inbox:billing", args=[c.pk]), {"documents": [attack["document"].pk]})
    assert BillingCode.objects.count() == before


def test_it_keeps_a_number_registered_in_two_offices_as_two_separate_relationships(attack):
    kupang = attack["conversation"].office
    own = make_taxpayer(kupang, "Budi Kupang")
    _contact(own)
    process_payload(inbound_payload("halo", wa_id=NUMBER))
    handle_inbound(message=InboundMessage.objects.latest("id"))
    c = Conversation.objects.get()
    assert selectors.conversation_taxpayer(c) == own
    panel = selectors.taxpayer_panel(c)
    assert [x.taxpayer for x in panel["contacts"]] == [own] and not panel["shared_number"]
    from triplec.conversations.identity import identify

    assert [x.taxpayer for x in identify(wa_id=NUMBER, user_id="", office_id=kupang.pk).contacts] == [own]
    assert [
        x.taxpayer for x in identify(wa_id=NUMBER, user_id="", office_id=attack["stranger"].office_id).contacts
    ] == [attack["stranger"]]


def test_it_audits_the_inbox_view_under_the_office_and_taxpayer_whose_data_was_shown(attack):
    kupang = attack["conversation"].office
    own = make_taxpayer(kupang, "Budi Kupang")
    _contact(own)
    c = attack["conversation"]
    c.peer.contacts.add(Contact.objects.get(taxpayer=own))
    _client(attack["petugas1"]).get(reverse("inbox:conversation", args=[c.pk]))
    entry = AuditEntry.objects.get(action="inbox.view")
    assert entry.office == kupang and entry.taxpayer == own
    assert not AuditEntry.objects.filter(action="inbox.view", office=attack["stranger"].office).exists()


def test_it_marks_undeliverable_only_the_contacts_of_the_channels_own_office(attack):
    from triplec.messaging.statuses import MessageRef, mark_undeliverable

    kupang = attack["conversation"].office
    own = make_taxpayer(kupang, "Budi Kupang")
    _contact(own)
    mark_undeliverable(
        MessageRef(
            pk=0, wamid="w", channel_id=attack["conversation"].channel_id, to=NUMBER, recipient="", taxpayer_id=None
        )
    )
    assert Contact.objects.get(taxpayer=own).status == ContactStatus.UNDELIVERABLE
    assert Contact.objects.get(taxpayer=attack["stranger"]).status == ContactStatus.ACTIVE
