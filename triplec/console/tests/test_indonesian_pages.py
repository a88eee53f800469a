"""What is stored and shown later is shown in the reader's language: an import report written while the importer
used English, the audit log (new entries and entries from before summaries were phrases) and the inbox timeline
all read in Indonesian, without English words, and the same rows read in English after the language switch."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.conversations.models import ConversationEvent, ConversationState
from triplec.conversations.services import conversation_event
from triplec.core.phrases import Phrase
from triplec.imports.services import import_run
from triplec.imports.tests.helpers import bad_check_digit
from triplec.inbox.tests.factories import conversation, taxpayer_with_contact
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db

# Words of the English texts these pages used to show; none of them is an Indonesian word.
ENGLISH = {
    "the",
    "of",
    "is",
    "this",
    "another",
    "belongs",
    "row",
    "rows",
    "viewed",
    "warning",
    "document",
    "taxpayer",
    "unknown",
    "office",
    "check",
    "does",
    "match",
    "accepted",
    "handoff",
    "assigned",
    "resolved",
    "locked",
    "contacts",
    "failed",
    "never",
    "verified",
    "page",
    "search",
    "names",
    "shown",
    "imported",
    "updated",
    "rejected",
    "debt",
    "list",
    "real",
    "month",
    "note",
    "wrong",
    "number",
    "challenge",
    "opt",
    "signed",
}


class _MainText(HTMLParser):
    """The text a person reads in <main>, and the visible attributes there."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts, self.skip = 0, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "main" or self.depth:
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth:
            self.parts += [v for k, v in attrs if k in ("title", "aria-label", "placeholder") and v]

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if (self.depth or self.partial) and not self.skip:
            self.parts.append(data)

    partial = False


def read(html: str, *, fragment: bool = False) -> str:
    parser = _MainText()
    parser.partial = fragment
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH}


@pytest.fixture
def kasi():
    office = make_office("922")
    make_office("923", "KPP Pratama Atambua")
    return make_user("kasi", Role.SECTION_HEAD, office=office)


def test_it_shows_an_import_report_written_in_english_in_indonesian(client, kasi, tmp_path):
    office = kasi.office
    mine, other = make_taxpayer(office, name="Yohana Kase"), make_taxpayer(office, name="Petrus Lay")
    make_document(other, number="STP-1/2026")
    odd = make_taxpayer(office, name="Maria Ndun", npwp15=bad_check_digit(123))
    header = "kode_kpp,npwp,jenis_ketetapan,nomor_ketetapan,tanggal_ketetapan,kap,kjs,tahun_pajak,pokok\n"
    rows = [
        f"922,{mine.npwp15},STP,STP-1/2026,2026-03-01,411125,300,2025,1000",  # another taxpayer's number
        f"999,{mine.npwp15},STP,STP-2/2026,2026-03-01,411125,300,2025,1000",  # unknown office
        f"922,{mine.npwp15},STP,STP-3/2026,31/02/2026,411125,300,2025,1000",  # no such date
        f"922,{odd.npwp15},STP,STP-4/2026,2026-03-01,411999,300,2025,1000",  # warnings only
    ]
    path = tmp_path / "ketetapan.csv"
    path.write_text(header + "\n".join(rows) + "\n")
    with translation.override("en"):  # the importer used the English console
        result = import_run(kind="debts", path_or_fileobj=str(path), actor=kasi, channel="web")
    assert (result.imported, result.rejected, result.warnings) == (1, 3, 1)
    assert "belongs to another taxpayer" in result.run.report_csv  # what the importer saw, in English

    client.force_login(kasi)
    page = client.get(f"/import/{result.run.pk}/")
    text = read(page.content.decode())
    for indonesian in (
        "nomor ketetapan ini milik wajib pajak lain",
        "kode kantor 999 tidak dikenal",
        "31/02/2026 bukan tanggal yang ada",
        "peringatan: digit pemeriksa NPWP tidak cocok",
        "KAP 411999 bukan KAP yang lazim",
    ):
        assert indonesian in text
    assert not english_words(text), english_words(text)

    Path(result.report_path).unlink()  # the file is gone: the lines kept with the run, in the reader's language
    report = client.get(f"/import/{result.run.pk}/report.csv")
    content = b"".join(report.streaming_content).decode("utf-8-sig")
    assert content.startswith("row,column,value,error") and "milik wajib pajak lain" in content

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = read(client.get(f"/import/{result.run.pk}/").content.decode())
    assert "this document number belongs to another taxpayer" in english


def test_it_shows_the_audit_log_in_the_readers_language_old_entries_too(client, kasi):
    taxpayer = make_taxpayer(kasi.office, name="Yohana Kase")
    client.force_login(kasi)
    client.get(f"/taxpayers/{taxpayer.pk}/")
    client.get("/debts/")
    # Entries from before summaries were phrases: English text, no phrase.
    for action, summary in [
        ("taxpayer.view", "taxpayer page viewed"),
        ("ledger.list", "debt list viewed (50 rows)"),
        ("taxpayer.search", "taxpayer search: 25 names shown"),
        ("login", "login kasi"),
        ("contact.status", "contact active -> wrong_number"),
    ]:
        AuditEntry.objects.create(action=action, actor=kasi, office=kasi.office, summary=summary)
    assert not AuditEntry.objects.filter(summary_phrase__isnull=False, summary__contains="viewed").exists()

    text = read(client.get("/audit/").content.decode())
    for indonesian in (
        "halaman wajib pajak dilihat",
        "daftar tunggakan dilihat (50 baris)",
        "pencarian wajib pajak: 25 nama ditampilkan",
        "kasi masuk",
        "status kontak: aktif → nomor salah",
        "konsol",
    ):
        assert indonesian in text
    assert not english_words(text), english_words(text)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = read(client.get("/audit/").content.decode())
    assert "taxpayer page viewed" in english and "debt list viewed (50 rows)" in english


def test_it_names_every_event_of_the_inbox_timeline_in_indonesian(client, kasi):
    office = kasi.office
    taxpayer = taxpayer_with_contact(office)
    c = conversation(office, taxpayer=taxpayer, state=ConversationState.OPEN, assigned_to=kasi)
    for kind, text in [
        ("handoff", "Alasan: Wajib pajak minta bicara dengan petugas."),
        ("challenge", Phrase("number changed recently")),
        ("identity_locked", Phrase("%(n)s failed answers", n=3)),
        ("opt_out", Phrase("%(n)s contacts", n=2)),
        ("wrong_number", Phrase("%(n)s contacts", n=1)),
        ("complaint", Phrase("passed to the section head")),
        ("assigned", "Kasi"),
        ("billing_code", "123456789012345"),
        ("contact_wrong_number", "nomor milik orang lain"),
        ("resolved", Phrase("wrong number")),
        ("note", "Sudah ditelepon, akan bayar Jumat."),
    ]:
        conversation_event(conversation=c, kind=kind, text=text)
    # An event from before phrases: the bot's English reason for the challenge.
    ConversationEvent.objects.create(conversation=c, kind="challenge", text="never verified")

    client.force_login(kasi)
    html = client.get(f"/inbox/{c.pk}/_timeline").content.decode()
    text = read(html, fragment=True)
    for indonesian in (
        "Diteruskan ke petugas: Alasan: Wajib pajak minta bicara dengan petugas.",
        "Pertanyaan identitas diajukan: nomor baru saja berganti",
        "Pertanyaan identitas diajukan: belum pernah diverifikasi",
        "Rincian dikunci: 3 kali jawaban salah",
        "Menolak pesan WhatsApp: 2 kontak",
        "Nomor salah dilaporkan: 1 kontak",
        "Pengaduan: diteruskan ke Kepala Seksi",
        "Ditugaskan kepada: Kasi",
        "Kode billing dikirim: 123456789012345",
        "Kontak ditandai nomor salah: nomor milik orang lain",
        "Selesai: nomor salah",
        "Catatan internal",
    ):
        assert indonesian in text
    assert not english_words(text), english_words(text)
    assert 'data-event="handoff"' in html  # the code stays for scripts and styles, out of sight
