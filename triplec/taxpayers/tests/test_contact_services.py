import pytest

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number, contact_set_status
from triplec.tests.support import make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db


def test_it_keeps_every_number_change_as_history_with_who_when_and_source():
    office = make_office()
    staff = make_user("staf", Role.COLLECTION_STAFF, office=office)
    taxpayer = make_taxpayer(office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    contact, changed = contact_set_number(
        taxpayer=taxpayer, phone="+6285298765432", source=ContactSource.DATA_CHANGE, actor=staff
    )
    assert changed and contact.phone == "+6285298765432" and contact.number_changed_at is not None
    latest, first = list(contact.changes.all())
    assert (first.old_phone, first.new_phone) == ("", "+6281234567890")
    assert (latest.old_phone, latest.new_phone, latest.source, latest.changed_by) == (
        "+6281234567890",
        "+6285298765432",
        ContactSource.DATA_CHANGE,
        staff,
    )
    assert AuditEntry.objects.filter(action="contact.change_number", taxpayer=taxpayer, actor=staff).exists()


def test_it_changes_nothing_when_the_same_number_comes_again():
    taxpayer = make_taxpayer(make_office())
    contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    contact, changed = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    assert not changed and contact.changes.count() == 1


def test_a_new_number_is_active_again_after_wrong_number():
    taxpayer = make_taxpayer(make_office())
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    contact_set_status(contact=contact, status=ContactStatus.WRONG_NUMBER, reason="penerima bilang bukan nomornya")
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281299990000", source=ContactSource.ONLINE_PROFILE)
    assert contact.status == ContactStatus.ACTIVE


def test_it_records_status_changes_in_history_and_audit():
    taxpayer = make_taxpayer(make_office())
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    contact_set_status(contact=contact, status=ContactStatus.OPTED_OUT, reason="BERHENTI", channel="bot")
    change = contact.changes.first()
    assert (change.old_status, change.new_status, change.note) == ("active", "opted_out", "BERHENTI")
    assert AuditEntry.objects.filter(action="contact.status", channel="bot", taxpayer=taxpayer).count() == 1


def test_one_number_may_belong_to_several_taxpayers():
    office = make_office()
    family = [make_taxpayer(office, name=n) for n in ("Ayah", "Ibu", "Anak")]
    for t in family:
        contact_set_number(taxpayer=t, phone="+6281234567890", source=ContactSource.REGISTRATION)
    from triplec.taxpayers.selectors import shared_numbers, taxpayers_sharing_number

    assert taxpayers_sharing_number("+6281234567890").count() == 3
    assert list(shared_numbers(office.id)) == [{"phone": "+6281234567890", "n": 3}]
