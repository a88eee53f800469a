"""Each intent's answer, from the simulator's phone through our webhook and the bot to the reply delivered by
our dispatcher back on the phone."""

import pytest

from triplec.audit.models import AuditEntry
from triplec.billing.models import BillingCode
from triplec.conversations.models import Conversation, ConversationState
from triplec.ledger.models import ClaimStatus, Payment, PaymentClaim
from triplec.taxpayers.models import Contact, ContactStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_answers_a_greeting_with_the_menu_and_its_numbered_fallback(phone, budi):
    [menu] = phone.say("halo kak, selamat siang")
    assert "Silakan pilih menu" in menu and "1. Rincian tagihan" in menu and "7. Pengaduan" in menu
    assert phone.last[0]["type"] == "interactive" and phone.last[0]["body"]["interactive"]["type"] == "list"
    assert "di luar jam layanan" not in menu  # Wednesday 10.00 WITA


def test_it_tells_the_registered_taxpayer_where_the_debt_comes_from(phone, budi):
    details, follow_up = phone.say("tunggakan ini dari mana ya?")
    assert "Budi Santoso" in details and budi.npwp_masked in details
    assert "STP No. 00101/101/25/922/26 tanggal 1 September 2026" in details
    assert "PPh Pasal 25/29 OP (411125), masa Tahun 2025" in details
    assert "PPN Dalam Negeri (411211), masa Maret 2025" in details
    assert "Rp1.500.000, jatuh tempo 1 Oktober 2026" in details and "Total masih harus dibayar: Rp2.250.000" in details
    assert "Surat Teguran No. ST-00045/WPJ.29/KP.05/2026 tanggal 20 Oktober 2026" in details
    assert "Surat Paksa dapat diterbitkan mulai 12 November 2026" in details
    assert "Minta kode billing" in follow_up and "1. Minta kode billing" in follow_up
    entry = AuditEntry.objects.get(action="disclose", taxpayer=budi)
    assert entry.channel == "bot" and entry.detail["what"] == "rincian"
    assert entry.detail["contact"] == "+6281••••890" and "verified" in entry.detail["why"]


def test_it_issues_a_billing_code_for_the_documents_chosen_from_a_list(phone, budi):
    [choice] = phone.say("minta kode billing")
    assert "0. Semua tagihan (Rp2.250.000)" in choice and "2. STP 00102/107/25/922/26" in choice
    assert Conversation.objects.get().state == ConversationState.CHOOSING_DOCUMENTS
    [code_message] = phone.say(row=(f"doc:{budi.docs[1].pk}", "STP 00102/107/25/922/26"))
    code = BillingCode.objects.get()
    assert code.amount == 750_000 and code.channel == "bot"
    assert code.code_display in code_message and "Rp750.000" in code_message and "WITA" in code_message
    assert Conversation.objects.get().state == ConversationState.MENU
    # "0" (all) by the numbered fallback
    phone.say("kode billing")
    [all_code] = phone.say("0")
    assert "Rp2.250.000" in all_code and BillingCode.objects.count() == 2
    assert AuditEntry.objects.filter(action="disclose", detail__what="kode_billing").count() == 2


def test_it_confirms_a_payment_by_its_ntpn_and_keeps_unknown_ones_for_staff(phone, budi):
    import datetime as dt

    from django.utils import timezone

    [ask] = phone.say("saya sudah bayar kemarin")
    assert "NTPN" in ask and Conversation.objects.get().state == ConversationState.AWAITING_NTPN
    [pending] = phone.say("ini ntpn nya 0A1B2C3D4E5F6G7H")
    assert "belum tercatat" in pending and "Petugas kami akan memeriksanya" in pending
    assert PaymentClaim.objects.get(ntpn="0A1B2C3D4E5F6G7H").status == ClaimStatus.PENDING
    Payment.objects.create(
        ntpn="1122334455667788",
        taxpayer=budi,
        office=budi.office,
        amount=1_500_000,
        paid_at=timezone.now() - dt.timedelta(days=1),
    )
    [
        found,
    ] = phone.say("sdh bayar NTPN 1122 3344 5566 7788")
    assert "sudah kami terima" in found and "Pengingat untuk tagihan yang telah lunas dihentikan" in found
    assert AuditEntry.objects.filter(action="disclose", detail__what="payment").exists()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("bisa dicicil gak pajaknya?", ["24 bulan", "7 hari kerja", "pengakuan utang"]),
        ("tagihan ini salah, mau keberatan", ["3 bulan", "Pasal 36", "tidak dapat diajukan atas STP"]),
        ("mau lapor pengaduan", ["1500200", "pengaduan@pajak.go.id", "pajak.go.id/unit-kerja"]),
    ],
)
def test_it_gives_procedure_information_and_offers_an_officer(phone, budi, text, expected):
    [answer] = phone.say(text)
    for fragment in expected:
        assert fragment in answer
    assert "Hubungi petugas" in answer


def test_it_hands_off_to_an_officer_with_a_summary(phone, budi):
    [answer] = phone.say("saya mau bicara dengan petugas")
    assert "teruskan kepada petugas" in answer
    conversation = Conversation.objects.get()
    assert conversation.state == ConversationState.WAITING_OFFICER and conversation.handoff_reason == "requested"
    assert "Budi Santoso" in conversation.handoff_summary and "Rp2.250.000" in conversation.handoff_summary
    # Now a person has it: the bot stays quiet.
    assert phone.say("halo?") == []


def test_it_hands_off_after_two_messages_it_does_not_understand(phone, budi):
    [first] = phone.say("asdf qwerty")
    assert "belum memahami" in first
    [second] = phone.say("zxcv lorem")
    assert "teruskan kepada petugas" in second
    conversation = Conversation.objects.get()
    assert conversation.handoff_reason == "not_understood" and "asdf qwerty" in conversation.handoff_summary


def test_it_records_an_opt_out_and_an_opt_in(phone, budi):
    [stopped] = phone.say("STOP")
    assert "tidak akan lagi menerima pesan" in stopped
    assert Contact.objects.get(taxpayer=budi).status == ContactStatus.OPTED_OUT
    [refused] = phone.say("rincian tagihan")
    assert "berhenti menerima pesan" in refused and "Rp" not in refused
    [started] = phone.say(button=("mulai", "Mulai lagi"))
    assert "kembali menerima" in started
    assert Contact.objects.get(taxpayer=budi).status == ContactStatus.ACTIVE


def test_it_closes_politely_on_thanks_without_looping(phone, budi):
    [answer] = phone.say("makasih banyak 🙏")
    assert "Sama-sama" in answer
    assert phone.say("terima kasih") == []  # thanks for our thanks: silence, not a loop
