"""Scam reports, fraud worries, complaints about officers, a business sold, and the clarifying question: from the
simulator's phone through our webhook and the bot to the reply on the phone, and the task in the right queue."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.billing.models import BillingCode
from triplec.conversations.models import Conversation, ConversationState, StaffTask, TaskKind, TaskQueue
from triplec.inbox.selectors import tasks_for, timeline
from triplec.taxpayers.models import Contact, ContactChange, ContactSource, ContactStatus
from triplec.tests.support import make_user

pytestmark = pytest.mark.django_db(transaction=True)

CHANNELS = ("1500200", "pengaduan@pajak.go.id", "pengaduan.pajak.go.id")


@pytest.fixture
def officer(budi):
    """A service officer of Budi's office: the officers' task queue is theirs."""
    return make_user("petugas1", Role.SERVICE_OFFICER, office=budi.office)


def test_it_answers_a_fraud_worry_at_once_without_an_identity_check(phone, budi, settings):
    settings.BOT_VERIFICATION_MAX_AGE_DAYS = 0  # any request for details would need the challenge now
    [answer] = phone.say("ini penipuan ko? sa takut")
    assert "pajak.go.id/unit-kerja" in answer and "kode billing ke Kas Negara" in answer
    assert "rekening pribadi" in answer and "telepon langsung" in answer
    assert "NIK" not in answer and "Rp" not in answer
    assert Conversation.objects.get().state == ConversationState.MENU
    assert not AuditEntry.objects.filter(action="disclose").exists()


def test_it_answers_a_scam_report_with_the_anti_fraud_answer_and_a_task_and_no_billing_code(phone, budi, officer):
    [answer] = phone.say(
        "Kemarin ada nomor 0813-9876-5432 yang mengaku juru sita KPP, minta saya transfer "
        "ke rekening pribadi supaya tidak disita"
    )
    assert "tidak pernah meminta pembayaran selain melalui kode billing ke Kas Negara" in answer
    assert "pulsa, transfer ke rekening pribadi" in answer and "pajak.go.id/unit-kerja" in answer
    for channel in CHANNELS:
        assert channel in answer
    assert "Minta kode billing" not in answer and "Rp" not in answer
    assert not BillingCode.objects.exists()
    task = StaffTask.objects.get()
    assert task.kind == TaskKind.SCAM_REPORT and task.queue == TaskQueue.SCAM_REPORTS
    assert task.reported_number == "+6281398765432"
    assert "+6281••••432" in task.summary and "98765" not in task.summary.split("“")[0]
    assert list(tasks_for(officer)) == [task]


def test_it_sends_a_complaint_about_an_officer_to_the_section_head_with_the_complaint_channels(phone, budi, officer):
    kasi = make_user("kasi", Role.SECTION_HEAD, office=budi.office)
    [answer] = phone.say("Saya mau mengadukan petugas yang datang ke rumah kemarin, dia membentak istri saya")
    for channel in CHANNELS:
        assert channel in answer
    assert "Kepala Seksi" in answer and "Hubungi petugas" not in answer
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.MENU and conversation.handed_off_at is None
    task = StaffTask.objects.get()
    assert task.kind == TaskKind.COMPLAINT and task.queue == TaskQueue.SECTION_HEAD and task.taxpayer == budi
    assert list(tasks_for(kasi)) == [task]
    assert list(tasks_for(officer)) == []


def test_it_keeps_a_complaints_words_from_the_officers_who_later_take_the_chat(phone, budi, officer):
    """The complaint may be about the officer who takes the chat when the taxpayer later asks for one: the
    officer reads neither the words in the timeline nor in the handoff summary; the section head reads them."""
    kasi = make_user("kasi", Role.SECTION_HEAD, office=budi.office)
    complaint = "Saya mau mengadukan petugas yang datang ke rumah kemarin, dia membentak istri saya"
    phone.say(complaint)
    phone.say("Saya mau bicara dengan petugas soal tagihan saya")
    conversation = Conversation.objects.get()
    assert conversation.handed_off_at is not None and "membentak" not in conversation.handoff_summary
    officer_view = [line.text for line in timeline(conversation, officer)]
    assert (
        complaint not in officer_view and "[Pengaduan: isinya hanya ditampilkan kepada Kepala Seksi.]" in officer_view
    )
    assert complaint in [line.text for line in timeline(conversation, kasi)]
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert "membentak" not in page and "soal tagihan saya" in page


def test_it_marks_the_number_wrong_when_the_company_was_sold(phone, budi, officer):
    [answer] = phone.say(
        "Dengan hormat, perusahaan tersebut telah dijual kepada pihak lain, sehingga nomor ini "
        "bukan lagi nomor perusahaan."
    )
    assert "tidak akan kami hubungi lagi" in answer
    contact = Contact.objects.get(taxpayer=budi)
    assert contact.status == ContactStatus.WRONG_NUMBER
    change = ContactChange.objects.filter(contact=contact).first()
    assert change.new_status == ContactStatus.WRONG_NUMBER and change.source == ContactSource.WHATSAPP
    assert change.changed_by is None and "pengguna nomor melalui WhatsApp" in change.note
    task = StaffTask.objects.get(kind=TaskKind.WRONG_NUMBER)
    assert task.queue == TaskQueue.OFFICERS and list(tasks_for(officer)) == [task]


def test_it_asks_one_numbered_question_when_unsure_and_acts_on_the_answer(phone, budi):
    [question] = phone.say("bayar")
    assert "maksud Anda yang mana" in question and "1. Minta kode billing" in question
    assert not BillingCode.objects.exists() and not AuditEntry.objects.filter(action="disclose").exists()
    [choice] = phone.say("1")
    assert "0. Semua tagihan (Rp2.250.000)" in choice
