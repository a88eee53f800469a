"""One office with one of each object and one user per role: the world the permission and audit tests walk."""

import datetime as dt

from django.utils import timezone

from triplec.accounts.roles import Role
from triplec.campaigns.services import campaign_create
from triplec.conversations.models import StaffTask, TaskKind
from triplec.imports.models import ImportRun
from triplec.inbox.models import QuickReply
from triplec.inbox.tests.factories import conversation
from triplec.ledger.models import Payment, PaymentClaim, SuratPaksa
from triplec.messaging.models import EventState, QuarantineReason, WebhookEvent
from triplec.messaging.tests.factories import make_channel
from triplec.taxpayers.models import Contact, ContactSource
from triplec.tests.support import (
    make_billing_code,
    make_document,
    make_office,
    make_taxpayer,
    make_teguran,
    make_user,
)


def seed_office():
    """One office with one of each object, and one user per role (the administrator without an office)."""
    office = make_office()
    make_channel(office=office)
    users = {role: make_user(f"u_{role}", role, office=None if role == Role.ADMINISTRATOR else office) for role in Role}
    taxpayer = make_taxpayer(office, "Budi Santoso")
    Contact.objects.create(
        taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION, verified_at=timezone.now()
    )
    document = make_document(taxpayer)
    teguran = make_teguran(taxpayer, document, issue_date=dt.date(2026, 9, 2), delivered_date=dt.date(2026, 9, 3))
    paksa = SuratPaksa.objects.create(office=office, taxpayer=taxpayer, number="SP-1", issue_date=dt.date(2026, 10, 2))
    now = timezone.now()
    code = make_billing_code(taxpayer, 1_500_000, issued_at=now)
    payment = Payment.objects.create(ntpn="0A1B2C3D4E5F6G7H", office=office, amount=1_000, paid_at=now)
    claim = PaymentClaim.objects.create(office=office, taxpayer=taxpayer, ntpn="1A1B2C3D4E5F6G7H")
    chat = conversation(office, taxpayer=taxpayer)
    quick = QuickReply.objects.create(office=office, title="Salam", body="Yth. {nama}")
    campaign = campaign_create(office=office, maker=users[Role.COLLECTION_STAFF], name="K", criterion="a")
    poison = WebhookEvent.objects.create(
        body_hash="0" * 64,
        body="[1]",
        state=EventState.QUARANTINED,
        reason_code=QuarantineReason.SHAPE,
        reason="not an object",
    )
    task = StaffTask.objects.create(office=office, kind=TaskKind.WRONG_NUMBER, taxpayer=taxpayer, summary="nomor salah")
    run = ImportRun.objects.create(kind="debts", file_name="x.csv", office=office, report_csv="row,error\n")
    kwargs = {
        "taxpayers": {"pk": taxpayer.pk},
        "billing:taxpayer": {"taxpayer_id": taxpayer.pk},
        "billing": {"pk": code.pk},
        "collect:assign": {"pk": payment.pk},
        "collect:claim-resolve": {"pk": claim.pk},
        "collect:paksa-issue": {"pk": teguran.pk},
        "collect:paksa-served": {"pk": paksa.pk},
        "campaigns": {"pk": campaign.pk},
        "campaigns_api": {"pk": campaign.pk},
        "campaigns:template_action": {"pk": campaign.template_id, "action": "sync"},
        "console": {"pk": run.pk},
        "console:import_template": {"kind": "taxpayers", "fmt": "csv"},
        "inbox": {"pk": chat.pk},
        "inbox:quick_reply_fill": {"pk": chat.pk, "reply_pk": quick.pk},
        "inbox:task_done": {"pk": task.pk},
        "messaging:quarantine_event": {"pk": poison.pk},
        "messaging:quarantine_action": {"pk": poison.pk, "action": "discard"},
        "api:document-clear": {"office": office.code, "number": document.number},
        "objects": {"office": office, "taxpayer": taxpayer, "code": code, "chat": chat, "campaign": campaign},
    }
    return users, kwargs
