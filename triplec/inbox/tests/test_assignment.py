"""Assignment: the taxpayer's own AR first when on duty, else round-robin under a capacity cap; audited."""

import pytest

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.conversations.models import ConversationState
from triplec.inbox import services
from triplec.inbox.models import OfficerStatus
from triplec.tests.support import make_office, make_user

from .factories import conversation, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


def test_it_gives_the_conversation_to_the_taxpayers_own_ar_when_on_duty():
    office = make_office()
    officer("petugas_a", office)
    ar = officer("ar_budi", office, role=Role.ACCOUNT_REPRESENTATIVE)
    tp = taxpayer_with_contact(office, account_representative=ar)
    c = conversation(office, taxpayer=tp)
    assert services.inbox_auto_assign(conversation=c) == ar
    c.refresh_from_db()
    assert c.assigned_to == ar and c.state == ConversationState.OPEN
    entry = AuditEntry.objects.get(action="conversation.assign")
    assert entry.detail["to"] == ar.pk


def test_it_falls_back_to_round_robin_when_the_ar_is_off_duty():
    office = make_office()
    officer("petugas_a", office), officer("petugas_b", office)  # on duty, the AR not
    ar = officer("ar_budi", office, available=False, role=Role.ACCOUNT_REPRESENTATIVE)
    tp = taxpayer_with_contact(office, account_representative=ar)
    got = [
        services.inbox_auto_assign(
            conversation=conversation(office, taxpayer=tp if n == 0 else None, wa_id=f"628120000{n:04d}")
        )
        for n in range(4)
    ]
    assert ar not in got
    assert sorted(u.username for u in got) == ["petugas_a", "petugas_a", "petugas_b", "petugas_b"]
    assert got[0] != got[1] and got[0] == got[2]  # alternating: whoever waited longest gets the next


def test_it_respects_the_capacity_cap_and_leaves_the_rest_unassigned():
    office = make_office()
    a = officer("petugas_a", office, capacity=1)
    officer("petugas_off", office, available=False)
    first = services.inbox_auto_assign(conversation=conversation(office, wa_id="6281200000001"))
    second_c = conversation(office, wa_id="6281200000002")
    second = services.inbox_auto_assign(conversation=second_c)
    assert first == a and second is None
    second_c.refresh_from_db()
    assert second_c.assigned_to is None and second_c.state == ConversationState.WAITING_OFFICER


def test_it_never_assigns_to_officers_of_another_office():
    office, far_office = make_office(), make_office("923", "KPP Pratama Atambua")
    officer("petugas_far", far_office)
    assert services.inbox_auto_assign(conversation=conversation(office)) is None


def test_it_reassigns_manually_and_audits_who_did_it():
    office = make_office()
    a, b = officer("petugas_a", office), officer("petugas_b", office)
    head = make_user("kasi", Role.SECTION_HEAD, office=office)
    c = conversation(office, assigned_to=a, state=ConversationState.OPEN)
    services.inbox_assign(conversation=c, officer=b, actor=head)
    c.refresh_from_db()
    assert c.assigned_to == b
    entry = AuditEntry.objects.get(action="conversation.assign")
    assert entry.actor == head and entry.detail == {"from": a.pk, "to": b.pk}
    with pytest.raises(services.InboxError):
        services.inbox_assign(conversation=c, officer=head, actor=head)  # a section head is not an answering officer


def test_it_hands_out_waiting_conversations_when_an_officer_comes_on_duty():
    office = make_office()
    a = officer("petugas_a", office, available=False)
    c = conversation(office)
    services.officer_availability_set(user=a, available=True, capacity=3)
    assert services.inbox_assign_waiting(office_id=office.pk) == 1
    c.refresh_from_db()
    assert c.assigned_to == a and OfficerStatus.objects.get(user=a).capacity == 3
