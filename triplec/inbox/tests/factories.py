"""Test helpers: an office with a channel, officers, a taxpayer with a verified contact, a handed-off conversation."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.conversations.models import Conversation, ConversationState
from triplec.inbox.models import OfficerStatus
from triplec.messaging.models import Channel, Peer
from triplec.taxpayers.models import Contact, ContactSource
from triplec.tests.support import make_office, make_taxpayer, make_user

_n = itertools.count(1)


def make_channel(office, base_url: str = "http://127.0.0.1:9") -> Channel:
    channel = Channel.objects.filter(office=office).first()
    if channel:
        return channel
    return Channel.objects.create(
        office=office,
        phone_number_id=f"92200000000{next(_n):04d}",
        display_number="+62 380 821123",
        waba_id="922000000000002",
        base_url=base_url,
        provider="simulator",
    )


def officer(username: str, office, *, available: bool = True, capacity: int = 5, role: str = Role.SERVICE_OFFICER):
    user = make_user(username, role, office=office)
    OfficerStatus.objects.create(user=user, available=available, capacity=capacity)
    return user


def taxpayer_with_contact(
    office, phone: str = "+6281234567890", name: str = "Budi Santoso", verified: bool = True, **fields
):
    taxpayer = make_taxpayer(office, name=name, **fields)
    Contact.objects.create(
        taxpayer=taxpayer,
        phone=phone,
        source=ContactSource.REGISTRATION,
        verified_at=timezone.now() if verified else None,
    )
    return taxpayer


def conversation(
    office,
    *,
    taxpayer=None,
    wa_id: str = "6281234567890",
    state=ConversationState.WAITING_OFFICER,
    assigned_to=None,
    last_inbound_at: dt.datetime | None = None,
    channel=None,
) -> Conversation:
    channel = channel or make_channel(office)
    now = timezone.now()
    peer, _ = Peer.objects.get_or_create(
        channel=channel, wa_id=wa_id, defaults={"last_inbound_at": last_inbound_at or now}
    )
    if taxpayer is not None:
        peer.contacts.add(*Contact.objects.filter(taxpayer=taxpayer))
    return Conversation.objects.create(
        office=office,
        channel=channel,
        peer=peer,
        taxpayer=taxpayer,
        verified_taxpayer=taxpayer,
        state=state,
        assigned_to=assigned_to,
        handed_off_at=now,
        handoff_reason="minta_petugas",
        handoff_summary="Wajib pajak minta bicara dengan petugas",
        opened_at=now,
        last_message_at=now,
        last_inbound_at=now,
    )


def office_pair():
    return make_office(), make_office("923", "KPP Pratama Atambua")
