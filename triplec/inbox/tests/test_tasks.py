"""The staff-task page of the inbox: each user sees the queues they work; complaints only reach section heads."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.conversations.models import StaffTask, TaskKind, TaskQueue
from triplec.conversations.services import staff_task_create
from triplec.tests.support import make_user

from .factories import office_pair, officer

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_complaints_to_the_section_head_only_and_lets_staff_close_their_tasks():
    office, other_office = office_pair()
    agent = officer("petugas_a", office)
    head = make_user("kasi", Role.SECTION_HEAD, office=office)
    complaint = staff_task_create(office_id=office.pk, kind=TaskKind.COMPLAINT, summary="Pengaduan: petugas kasar")
    scam = staff_task_create(
        office_id=office.pk,
        kind=TaskKind.SCAM_REPORT,
        summary="Laporan penipuan +6281••••432",
        reported_number="+6281398765432",
    )
    staff_task_create(office_id=other_office.pk, kind=TaskKind.WRONG_NUMBER, summary="Nomor kantor lain")
    assert complaint.queue == TaskQueue.SECTION_HEAD and scam.queue == TaskQueue.SCAM_REPORTS

    page = _client(agent).get(reverse("inbox:tasks")).content.decode()
    assert "inbox/inbox.css" in page  # the queue tabs are styled as the inbox's, not links run together
    assert "Laporan penipuan +6281••••432" in page and "petugas kasar" not in page and "kantor lain" not in page
    assert _client(agent).post(reverse("inbox:task_done", args=[complaint.pk])).status_code == 404

    head_page = _client(head).get(reverse("inbox:tasks") + "?queue=kasi").content.decode()
    assert "petugas kasar" in head_page and "Laporan penipuan" not in head_page
    _client(head).post(reverse("inbox:task_done", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.done_at is not None and complaint.done_by == head
    assert StaffTask.objects.filter(done_at__isnull=True).count() == 2
