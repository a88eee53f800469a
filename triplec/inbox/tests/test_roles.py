"""Inbox roles, written as the attacks were made: the office head (view only) replying, issuing billing codes and
writing notes; service officers and ARs getting the same answer for billing and contact changes in the inbox as
on the billing and taxpayer pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.billing.models import BillingCode
from triplec.conversations.models import ConversationEvent, ConversationState
from triplec.inbox import services
from triplec.messaging.models import OutboundMessage
from triplec.taxpayers.models import Contact, ContactStatus
from triplec.tests.support import make_document, make_office, make_user

from .factories import conversation, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    office = make_office()
    tp = taxpayer_with_contact(office)
    document = make_document(tp)
    c = conversation(office, taxpayer=tp, state=ConversationState.OPEN)
    return c, document


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lets_the_office_head_read_but_not_reply_bill_or_write_notes(chat):
    c, document = chat
    kakpp = make_user("kakpp", Role.OFFICE_HEAD, office=c.office)
    client = _client(kakpp)
    page = client.get(reverse("inbox:conversation", args=[c.pk]))
    assert page.status_code == 200 and 'id="reply-form"' not in page.content.decode()
    assert 'id="billing-form"' not in page.content.decode()
    for name, data in (
        ("reply", {"text": "Halo"}),
        ("note", {"text": "catatan"}),
        ("billing", {"documents": [document.pk]}),
        ("contact_status", {"status": "opt_out"}),
        ("resolve", {}),
        ("assign", {"officer": "me"}),
    ):
        assert client.post(reverse(f"inbox:{name}", args=[c.pk]), data).status_code == 404, name
    assert not OutboundMessage.objects.exists() and not BillingCode.objects.exists()
    assert not ConversationEvent.objects.filter(kind="note").exists()
    assert Contact.objects.get(taxpayer=c.taxpayer).status == ContactStatus.ACTIVE
    # The services refuse too, whatever screen calls them.
    for call in (
        lambda: services.inbox_reply_send(conversation=c, actor=kakpp, text="Halo"),
        lambda: services.inbox_note_add(conversation=c, actor=kakpp, text="x"),
        lambda: services.inbox_billing_code_send(conversation=c, actor=kakpp, document_ids=[document.pk]),
    ):
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.parametrize("role", [Role.SERVICE_OFFICER, Role.ACCOUNT_REPRESENTATIVE])
def test_it_gives_officers_the_same_billing_and_contact_rights_in_the_inbox_as_on_the_other_pages(chat, role):
    c, document = chat
    user = officer(f"u_{role}", c.office, role=role)
    client = _client(user)
    assert client.get(reverse("billing:taxpayer", args=[c.taxpayer.pk])).status_code == 200
    assert (
        client.post(reverse("billing:taxpayer", args=[c.taxpayer.pk]), {"documents": [document.pk]}).status_code == 302
    )
    assert BillingCode.objects.filter(taxpayer=c.taxpayer).count() == 1  # issued on the billing page ...
    client.post(reverse("inbox:billing", args=[c.pk]), {"documents": [document.pk]})
    assert BillingCode.objects.filter(taxpayer=c.taxpayer).count() == 1  # ... and the same valid code in the inbox
    assert OutboundMessage.objects.filter(kind__in=["text", "template"]).exists()
    taxpayer_page = client.post(
        reverse("taxpayers:contact_status", args=[c.taxpayer.pk]),
        {"status": ContactStatus.OPTED_OUT, "reason": "minta berhenti"},
    )
    assert taxpayer_page.status_code == 302
    assert Contact.objects.get(taxpayer=c.taxpayer).status == ContactStatus.OPTED_OUT
    # Changing the number itself stays with collection staff, ARs and section heads.
    number = client.post(reverse("taxpayers:contact_number", args=[c.taxpayer.pk]), {"phone": "081299998888"})
    assert number.status_code == (302 if role == Role.ACCOUNT_REPRESENTATIVE else 403)


def test_it_refuses_the_bailiff_billing_through_the_inbox_it_may_not_open(chat):
    c, document = chat
    jurusita = make_user("jurusita", Role.BAILIFF, office=c.office)
    assert (
        _client(jurusita).post(reverse("inbox:billing", args=[c.pk]), {"documents": [document.pk]}).status_code == 404
    )
    assert not BillingCode.objects.exists()
