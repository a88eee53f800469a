"""The set-based start writes exactly what the one-message path (`message_enqueue`) would write."""

import datetime as dt
import json
import time
import uuid

import pytest
from django.db import connection

from triplec.audit.models import AuditEntry
from triplec.campaigns import message as msg
from triplec.campaigns.links import BulkSigner, unsign_token
from triplec.campaigns.models import Target, TargetStatus
from triplec.campaigns.payload import new_uuid_hex
from triplec.campaigns.pdf import notice_for_target
from triplec.campaigns.services import (
    campaign_approve,
    campaign_create,
    campaign_pause,
    campaign_resume,
    campaign_start,
)
from triplec.messaging.models import Lane, OutboundMessage, State
from triplec.messaging.providers.cloudapi import envelope
from triplec.messaging.registry import template_send_body

from .conftest import NOW


def _started(office, staff, head, **fields):
    campaign = campaign_create(
        office=office, maker=staff, name="Teguran", criterion="a", frequency_cap_days=0, **fields
    )
    campaign_approve(campaign=campaign, approver=head)
    counts = campaign_start(campaign=campaign, actor=head, now=NOW)
    return campaign, counts


@pytest.mark.django_db
@pytest.mark.parametrize("attach_pdf", [True, False])
def test_it_writes_outbox_rows_identical_to_the_registry_path(
    office, staff, head, approved_templates, letter_factory, attach_pdf
):
    letter_factory(name="Budi  Santoso\nJr.", amounts=(1_500_000, 250_000))
    letter_factory(name='Ani "Wati" Ñoño')
    campaign, counts = _started(office, staff, head, attach_pdf=attach_pdf)
    assert counts["queued"] == 2
    for target in Target.objects.filter(campaign=campaign).select_related(
        "outbound", "letter", "taxpayer", "campaign__office"
    ):
        m = target.outbound
        assert target.status == TargetStatus.QUEUED and target.messaged
        assert m.lane == Lane.BULK and m.state == State.QUEUED and m.kind == "template" and m.created_by_id == head.pk
        assert m.idempotency_key == f"campaign:{campaign.pk}:{target.taxpayer_id}:{target.letter_id}"
        assert m.not_after - m.next_attempt_at == dt.timedelta(hours=72)
        assert isinstance(m.callback_id, uuid.UUID) and isinstance(target.public_id, uuid.UUID)
        public_id = str(target.public_id)
        document = None
        if attach_pdf:
            link = m.body["template"]["components"][0]["parameters"][0]["document"]["link"]
            token = link.rsplit("/", 2)[-2]
            assert unsign_token(token) == public_id
            document = {"link": link, "filename": "surat-teguran.pdf"}
        body = template_send_body(
            campaign.template,
            msg.params(notice_for_target(target)),
            document=document,
            button_payloads=msg.button_payloads(public_id),
        )
        expected = envelope(to=m.to, callback=str(m.callback_id), **body)
        assert m.body == expected
        # The row keeps only its own values; the rest of the body is the start's shape, stored once.
        assert m.shape_id and m.payload[0] == public_id and m.payload[3:] == msg.params(notice_for_target(target))
        assert len(json.dumps(m.payload)) < len(json.dumps(expected)) / 2
        assert "\n" not in "".join(p["text"] for p in expected["template"]["components"][-4]["parameters"])


@pytest.mark.django_db
def test_it_records_the_start_in_one_audit_entry_with_the_counts(
    office, staff, head, approved_templates, letter_factory
):
    for _ in range(3):
        letter_factory()
    letter_factory(contact_status="opted_out")
    campaign, counts = _started(office, staff, head)
    entries = AuditEntry.objects.filter(action="campaign.start")
    assert entries.count() == 1 and not AuditEntry.objects.filter(action="whatsapp.enqueue").exists()
    assert entries.get().detail["queued"] == 3 and entries.get().detail["excluded"] == 1
    assert OutboundMessage.objects.count() == 3 == counts["queued"]


def test_it_signs_links_exactly_as_the_django_signer_does():
    signer = BulkSigner()
    public_id = str(uuid.uuid4())
    assert unsign_token(signer.token(public_id)) == public_id
    forged = signer.token(public_id)[:-2] + "xx"
    with pytest.raises(Exception):
        unsign_token(forged)


def test_it_draws_valid_version_7_uuids_in_increasing_order():
    before = time.time_ns() // 1_000_000
    values = new_uuid_hex(3000)
    assert len(set(values)) == 3000 and values == sorted(values)
    parsed = [uuid.UUID(h) for h in values]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert before <= int(values[0][:12], 16) <= time.time_ns() // 1_000_000
    # the random tails differ (42 bits each): not a counter alone
    assert len({h[-10:] for h in values}) > len(values) * 0.99


def test_it_signs_tokens_byte_for_byte_as_the_django_signer_does(monkeypatch):
    from django.core import signing

    from triplec.campaigns.links import sign_public_id

    signer = BulkSigner()
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signer.timestamp)
    for _ in range(20):
        public_id = str(uuid.uuid4())
        assert signer.token(public_id) == sign_public_id(public_id)


@pytest.mark.django_db
def test_a_clash_in_the_bulk_insert_surfaces_as_djangos_integrity_error(
    office, staff, head, approved_templates, letter_factory
):
    from django.db import IntegrityError, transaction

    from triplec.campaigns.bulk import TARGET_COLUMNS, _insert_many

    letter_factory()
    campaign, _ = _started(office, staff, head)
    target = Target.objects.get(campaign=campaign)
    row = (
        campaign.pk,
        target.taxpayer_id,
        target.letter_id,
        "a",
        "queued",
        "",
        True,
        1,
        "",
        uuid.uuid4().hex,
        None,
        NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():  # the same letter messaged twice under criterion (a)
        _insert_many(Target._meta.db_table, TARGET_COLUMNS, [row])


@pytest.mark.django_db
def test_a_letters_documents_are_listed_by_date_then_number_whatever_order_they_were_recorded_in(
    office, staff, head, approved_templates, letter_factory
):
    from triplec.tests.support import make_document

    letter = letter_factory(amounts=(1_500_000,), number="00900/101/25/922/26")  # issued 3 August
    for number, issued in (("00800/101/25/922/26", dt.date(2026, 8, 3)), ("00950/101/25/922/26", dt.date(2026, 7, 1))):
        letter.documents.add(make_document(letter.taxpayer, number=number, amount=100_000, issue_date=issued))
    campaign, _ = _started(office, staff, head)
    documents = OutboundMessage.objects.get().body["template"]["components"][-4]["parameters"][5]["text"]
    positions = [documents.index(n) for n in ("00950/101/25/922/26", "00800/101/25/922/26", "00900/101/25/922/26")]
    assert positions == sorted(positions), documents


@pytest.mark.django_db
def test_a_campaign_spread_over_days_signs_each_link_for_the_day_its_message_goes(
    office, staff, head, approved_templates, letter_factory, settings
):
    from django.core.signing import b62_decode

    settings.CAMPAIGN_MESSAGING_TIER = 1  # one taxpayer a day
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=40)  # in the future, so that its days are the later stamps
    for _ in range(3):
        letter_factory(issued=start.date() - dt.timedelta(days=1))
    campaign = campaign_create(
        office=office, maker=staff, name="Teguran", criterion="a", frequency_cap_days=0, attach_pdf=True
    )
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head, now=start)

    def stamps():
        found = []
        for m in OutboundMessage.objects.order_by("next_attempt_at"):
            token = m.body["template"]["components"][0]["parameters"][0]["document"]["link"].rsplit("/", 2)[-2]
            public_id, stamp, _ = token.split(":")
            assert unsign_token(token) == public_id  # a valid signature, whatever the day
            signed_at = b62_decode(stamp)
            assert signed_at <= m.next_attempt_at.timestamp() < signed_at + 86_400
            found.append(signed_at)
        assert len(found) == 3 and found[2] - found[0] >= 2 * 86_400 - 3_600
        return found

    first = stamps()
    # Paused and resumed weeks later: the links are signed again for the days the messages now go.
    campaign_pause(campaign=campaign, actor=head)
    campaign_resume(campaign=campaign, actor=head, now=start + dt.timedelta(days=50))
    assert min(stamps()) >= first[0] + 49 * 86_400


@pytest.mark.django_db(transaction=True)
def test_a_start_outside_any_transaction_writes_rows_whose_foreign_keys_all_hold(
    office, staff, head, approved_templates, letter_factory, monkeypatch
):
    """Outside an outer transaction SQLite skips the foreign-key lookups of the start's rows (bulk.py): the rows
    must still satisfy every one, and the checks are back on afterwards."""
    disabled = []
    original = connection.disable_constraint_checking
    monkeypatch.setattr(connection, "disable_constraint_checking", lambda: disabled.append(original()) or disabled[-1])
    for _ in range(3):
        letter_factory()
    letter_factory(contact_status="opted_out")
    campaign, counts = _started(office, staff, head, attach_pdf=True)
    assert counts["queued"] == 3 and counts["excluded"] == 1
    assert disabled == [connection.vendor == "sqlite"]  # the lookups were really skipped on SQLite
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            for table in (Target._meta.db_table, OutboundMessage._meta.db_table):
                cur.execute(f"PRAGMA foreign_key_check({table})")
                assert cur.fetchall() == []
            assert cur.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {t.outbound.taxpayer_id for t in Target.objects.filter(campaign=campaign, outbound__isnull=False)} == set(
        Target.objects.filter(campaign=campaign, status=TargetStatus.QUEUED).values_list("taxpayer_id", flat=True)
    )
