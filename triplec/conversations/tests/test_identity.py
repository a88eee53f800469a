"""Identity and secrecy (Pasal 34 UU KUP): who may hear what, through the whole webhook-to-phone path."""

import datetime as dt

import pytest
from django.utils import timezone

from triplec.audit.models import AuditEntry
from triplec.conversations.models import Conversation, ConversationState, IdentityGuard, StaffTask, TaskKind
from triplec.conversations.services import conversation_resolve, identity_unlock
from triplec.ledger.models import PaymentClaim
from triplec.messaging.models import Lane, State
from triplec.messaging.tests.factories import queue_text
from triplec.taxpayers.models import Contact, ContactStatus, Taxpayer
from triplec.tests.support import make_document, make_office, make_taxpayer

from .conftest import NIK, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_tells_a_stranger_only_general_information(phone, budi):
    phone.number = "6285211112222"
    [answer] = phone.say("rincian tagihan saya berapa?")
    assert "belum terdaftar" in answer and "permohonan perubahan data" in answer and "DJP Online/Coretax" in answer
    assert "Rp" not in answer and "Budi" not in answer
    [claim] = phone.say("sudah bayar NTPN 0A1B2C3D4E5F6G7H")
    assert "tidak dapat kami" in claim and not PaymentClaim.objects.exists()
    [menu] = phone.say("menu")
    assert "1. Angsuran/penundaan" in menu and "Rincian" not in menu
    [info] = phone.say("1")  # the stranger's own numbered options: 1 = instalment information
    assert "24 bulan" in info
    assert not AuditEntry.objects.filter(action="disclose").exists()
    [handoff] = phone.say("petugas")
    assert "teruskan kepada petugas" in handoff
    assert "Nomor tidak terdaftar" in Conversation.objects.get(state=ConversationState.WAITING_OFFICER).handoff_summary


def test_it_lets_a_shared_number_choose_the_taxpayer_shown_masked(phone, budi):
    office = make_office()
    other = make_taxpayer(office, "Maria Fernandez Lake")
    register(other)
    make_document(other, number="00900/101/25/922/26", amount=4_000_000)
    [choice] = phone.say("rincian")
    assert "lebih dari satu wajib pajak" in choice
    assert f"B.S. {budi.npwp_masked}" in choice and f"M.F.L. {other.npwp_masked}" in choice
    assert "Budi" not in choice and "Maria" not in choice and "Rp" not in choice
    assert AuditEntry.objects.filter(action="disclose", detail__what="taxpayer_choice").count() == 2
    number = 2 if "2. M.F.L." in choice else 1
    details, _ = phone.say(str(number))
    assert "Maria Fernandez Lake" in details and "Rp4.000.000" in details and "Budi" not in details
    assert Conversation.objects.get().taxpayer == other


def test_it_challenges_a_stale_verification_before_disclosing(phone, budi, settings):
    settings.BOT_VERIFICATION_MAX_AGE_DAYS = 5
    # Verified 10 days before the bot's clock (the office_open fixture), whatever day the test runs on.
    Contact.objects.filter(taxpayer=budi).update(verified_at=dt.datetime(2026, 11, 15, 2, 0, tzinfo=dt.UTC))
    [question] = phone.say("rincian")
    # Budi has a legacy NPWP: the digits its mask hides, never his NIK (district, birthday, a tiny serial).
    assert "4 digit NPWP yang kami samarkan" in question and "NIK" not in question and "Rp" not in question
    assert Conversation.objects.get().state == ConversationState.CHALLENGE
    [retry] = phone.say(NIK[-4:])
    assert "sisa 2 kali" in retry
    confirmed, details, _ = phone.say(budi.npwp16[6:10])
    assert "sudah kami konfirmasi" in confirmed and "Total masih harus dibayar: Rp2.250.000" in details
    entry = AuditEntry.objects.get(action="disclose", detail__what="rincian")
    assert entry.detail["why"] == "challenge passed in this conversation"
    assert IdentityGuard.objects.get().failures == 0


def test_it_challenges_a_number_that_changed_recently_on_the_hidden_npwp_digits(phone, wa):
    office = make_office()
    taxpayer = make_taxpayer(office, "Yohanes Tefa")  # no NIK: the NPWP digits the mask hides
    register(taxpayer, number_changed_at=timezone.now() - dt.timedelta(days=2))
    make_document(taxpayer, amount=900_000)
    [question] = phone.say("kode billing")
    assert "4 digit NPWP yang kami samarkan" in question and taxpayer.npwp_masked in question
    hidden = taxpayer.npwp16[6:10]
    assert hidden not in taxpayer.npwp_masked.replace(".", "").replace("-", "")[:6]
    confirmed, code = phone.say(f"{hidden}")
    assert "konfirmasi" in confirmed and "Kode billing" in code and "Rp900.000" in code


@pytest.mark.slow
def test_it_locks_details_and_alerts_staff_after_three_failed_challenges(phone, budi):
    Contact.objects.filter(taxpayer=budi).update(verified_at=None)  # never verified
    phone.say("rincian")
    phone.say("0000")
    phone.say("1111")
    [locked] = phone.say("2222")
    assert "kami kunci" in locked and "Rp" not in locked
    task = StaffTask.objects.get(kind=TaskKind.IDENTITY_LOCKED)
    assert task.taxpayer == budi and "3x" in task.summary
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.WAITING_OFFICER and conversation.handoff_reason == "identity_locked"
    assert AuditEntry.objects.filter(action="identity.locked", taxpayer=budi).exists()
    # Even the right answer in a later conversation gets nothing until staff unlock.
    conversation_resolve(conversation=conversation)
    [still] = phone.say("rincian")
    assert "kami kunci" in still
    assert not AuditEntry.objects.filter(action="disclose", detail__what="rincian").exists()
    identity_unlock(contact=Contact.objects.get(taxpayer=budi), actor=None)
    [question] = phone.say("rincian")
    assert "samarkan" in question


def test_it_marks_a_wrong_number_stops_messages_and_creates_a_staff_task(phone, budi):
    channel = phone.sim.channel
    queued = queue_text(channel, "Pengingat", "campaign:1", lane=Lane.BULK, taxpayer=budi)
    phone.dispatcher.stopping.set()  # keep the campaign message queued while the taxpayer answers
    [answer] = phone.say("maaf ini bukan nomor saya, salah orang")
    assert "tidak akan kami hubungi lagi" in answer and "Budi" not in answer
    assert Contact.objects.get(taxpayer=budi).status == ContactStatus.WRONG_NUMBER
    task = StaffTask.objects.get(kind=TaskKind.WRONG_NUMBER)
    assert task.taxpayer == budi and "B.S." in task.summary
    queued.refresh_from_db()
    assert queued.state == State.FAILED and queued.error_reason == "Nomor WhatsApp salah"
    assert Conversation.objects.get().state == ConversationState.RESOLVED
    # New campaign messages are refused at once, and the number gets no details any more.
    later = queue_text(channel, "x", "campaign:2", lane=Lane.BULK, taxpayer=budi)
    assert later.state == State.FAILED
    [refused] = phone.say("rincian tagihan")
    assert "Rp" not in refused and "tidak tercatat sebagai nomor aktif" in refused
    [no_restart] = phone.say("mulai lagi")
    assert "tidak dapat diaktifkan" in no_restart


def test_it_makes_campaigns_respect_an_opt_out_at_once(phone, budi):
    phone.say("berhenti kirim pesan")
    message = queue_text(phone.sim.channel, "x", "campaign:3", lane=Lane.BULK, taxpayer=budi)
    assert message.state == State.FAILED
    assert AuditEntry.objects.filter(action="contact.status", taxpayer=budi, channel="bot").exists()


def test_it_asks_a_nik_based_npwp_for_the_old_npwp_and_refuses_district_and_birthday(phone, wa):
    """The finding: digits 5-8 of a NIK-based NPWP are the district and the day of birth."""
    nik = "5371034101850002"  # Kota Kupang, born 1 January 1985 (a woman: day + 40)
    taxpayer = Taxpayer.objects.create(
        office=make_office(), name="Maria Ndun", npwp16=nik, nik=nik, npwp15="091234567922000"
    )
    register(taxpayer, number_changed_at=timezone.now() - dt.timedelta(days=2))
    make_document(taxpayer, amount=900_000)
    [question] = phone.say("rincian")
    assert "digit ke-5 sampai ke-8 NPWP lama" in question and "Rp" not in question
    [retry] = phone.say(nik[4:8])  # district + day of birth: what a neighbour knows
    assert "sisa 2 kali" in retry and "Rp" not in retry
    confirmed, details, _ = phone.say(taxpayer.npwp15[4:8])
    assert "konfirmasi" in confirmed and "Rp900.000" in details


def test_it_hands_a_nik_based_npwp_without_an_old_npwp_to_an_officer_instead_of_asking(phone, wa):
    nik = "5371034101850002"
    taxpayer = Taxpayer.objects.create(office=make_office(), name="Maria Ndun", npwp16=nik, nik=nik)
    register(taxpayer, number_changed_at=timezone.now() - dt.timedelta(days=2))
    make_document(taxpayer, amount=900_000)
    answers = phone.say("rincian")
    assert "dikonfirmasi oleh petugas" in answers[0] and all("Rp" not in a for a in answers)
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.WAITING_OFFICER and conversation.handoff_reason == "identity_check"
    assert not AuditEntry.objects.filter(action="disclose").exists()
