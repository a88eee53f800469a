"""A message with a letter (PDF) never goes before its letter is stored: the start queues it held, and the worker's
render releases the messages in send order, chunk by chunk, as it stores their letters; a paused campaign stays
paused, a resume or a resend holds again those whose letter is missing, and a letter that cannot be rendered
releases its message anyway (letters.py)."""

import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from triplec.campaigns import letters, pdf, services
from triplec.campaigns.models import Target
from triplec.campaigns.planning import FAR_FUTURE, send_grace
from triplec.campaigns.resend import campaign_resend_failed
from triplec.campaigns.selectors import campaign_progress, sending_window
from triplec.messaging.dispatcher import Dispatcher
from triplec.messaging.models import OutboundMessage, State

from .conftest import NOW

FAKE_PDF = b"%PDF-1.7 test letter"


@pytest.fixture(autouse=True)
def worker_renders(settings, tmp_path):
    """Letters rendered by a worker (not inline, as the tests otherwise run tasks), stored under tmp_path."""
    settings.HUEY = {**settings.HUEY, "immediate": False}
    settings.DATA_DIR = tmp_path


@pytest.fixture
def renders(monkeypatch):
    """The letters rendered, in order (by letter number), each a small fake PDF: what is tested here is when
    messages go, not WeasyPrint (the other letter tests render real ones)."""
    done: list[str] = []

    def render(notice, *, office):
        done.append(notice.letter_number)
        return FAKE_PDF

    monkeypatch.setattr(pdf, "render_notice_pdf", render)
    return done


def _start(office, staff, head, letter_factory, n, captured):
    for _ in range(n):
        letter_factory()
    campaign = services.campaign_create(office=office, maker=staff, name="Teguran", criterion="a", frequency_cap_days=0)
    campaign = services.campaign_approve(campaign=campaign, approver=head)
    with captured(execute=False) as callbacks:
        services.campaign_start(campaign=campaign, actor=head, now=NOW)
    campaign.refresh_from_db()
    return campaign, callbacks


def _targets(campaign):
    return list(Target.objects.filter(campaign=campaign).select_related("outbound", "letter").order_by("outbound_id"))


def _claimed(clock) -> list[OutboundMessage]:
    """What the dispatcher claims a minute on (every planned time has come by then)."""
    clock.shift(dt.timedelta(minutes=1))
    dispatcher = Dispatcher(rate_override=1000, batch=100)
    try:
        return dispatcher.claim()
    finally:
        dispatcher.pool.shutdown()


def _held_for_letter(message: OutboundMessage) -> bool:
    return message.state == State.QUEUED and message.next_attempt_at == FAR_FUTURE and message.not_after < FAR_FUTURE


@pytest.mark.django_db
def test_a_started_message_waits_for_its_letter_and_the_page_says_so(
    client, office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, callbacks = _start(office, staff, head, letter_factory, 3, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # the render task, queued once the start commits
    targets = _targets(campaign)
    assert all(_held_for_letter(t.outbound) for t in targets)
    # Each keeps its planned window: planned in send order, within office hours, from the start.
    planned = [t.outbound.not_after - send_grace() for t in targets]
    assert planned == sorted(planned) and planned[0] >= NOW
    progress = campaign_progress(campaign)
    assert (progress["queued"], progress["preparing_letters"]) == (3, 3)
    assert sending_window(campaign, now=NOW)["starts"] == planned[0]  # the page still says when sending starts
    client.force_login(head)
    page = client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert 'data-key="preparing_letters">3<' in page and "menyiapkan surat" in page
    services.campaign_sync(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == "running"  # held messages are still to send
    assert _claimed(clock) == []  # nothing goes before its letter


@pytest.mark.django_db
def test_the_render_releases_messages_in_send_order_chunk_by_chunk_once_their_letters_are_stored(
    office, staff, head, approved_templates, letter_factory, monkeypatch, clock, django_capture_on_commit_callbacks
):
    campaign, callbacks = _start(office, staff, head, letter_factory, 5, django_capture_on_commit_callbacks)
    targets = _targets(campaign)
    order = {t.outbound_id: i for i, t in enumerate(targets)}
    released_when: list[list[int]] = []  # at each render: the messages already released, by send position

    def render(notice, *, office):
        released_when.append(
            sorted(order[m.pk] for m in OutboundMessage.objects.filter(pk__in=order) if not _held_for_letter(m))
        )
        return FAKE_PDF

    monkeypatch.setattr(pdf, "render_notice_pdf", render)
    assert letters.render_campaign_letters(campaign.pk, chunk=2) == 5
    assert released_when == [[], [], [0, 1], [0, 1], [0, 1, 2, 3]]  # chunks of two, first those that go first
    for t in _targets(campaign):
        m = t.outbound
        assert letters.letter_path(t.public_id).read_bytes() == FAKE_PDF
        assert m.state == State.QUEUED and m.next_attempt_at == m.not_after - send_grace()  # its planned time
    assert campaign_progress(campaign)["preparing_letters"] == 0
    claimed = _claimed(clock)
    assert [m.pk for m in claimed] == [t.outbound_id for t in targets]  # in send order, every letter stored


@pytest.mark.django_db
def test_the_queued_task_renders_and_releases_after_the_start_commits(
    office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, callbacks = _start(office, staff, head, letter_factory, 2, django_capture_on_commit_callbacks)
    callbacks[0]()  # the start committed: its render task (this test process's Huey runs it inline)
    assert len(renders) == 2
    assert [m.pk for m in _claimed(clock)] == [t.outbound_id for t in _targets(campaign)]


@pytest.mark.django_db
def test_a_paused_campaign_stays_paused_while_its_letters_render_and_resume_releases_them(
    office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, _ = _start(office, staff, head, letter_factory, 3, django_capture_on_commit_callbacks)
    services.campaign_pause(campaign=campaign, actor=head)
    assert letters.render_campaign_letters(campaign.pk, chunk=1) == 3  # the worker goes on rendering
    for t in _targets(campaign):
        assert (t.outbound.next_attempt_at, t.outbound.not_after) == (FAR_FUTURE, FAR_FUTURE)  # still paused
    assert campaign_progress(campaign)["preparing_letters"] == 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.campaign_resume(campaign=campaign, actor=head, now=NOW) == 3
    assert callbacks == []  # every letter stored: nothing to render, nothing waits
    assert len(_claimed(clock)) == 3


@pytest.mark.django_db
def test_resume_holds_again_the_messages_whose_letter_is_missing_and_hands_them_to_the_render(
    office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, _ = _start(office, staff, head, letter_factory, 3, django_capture_on_commit_callbacks)
    first = _targets(campaign)[0]
    letters.render_letter(Target.objects.select_related("campaign__office", "letter", "taxpayer").get(pk=first.pk))
    services.campaign_pause(campaign=campaign, actor=head)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.campaign_resume(campaign=campaign, actor=head, now=NOW)
    targets = _targets(campaign)
    assert not _held_for_letter(targets[0].outbound) and [_held_for_letter(t.outbound) for t in targets[1:]] == [
        True,
        True,
    ]
    assert campaign_progress(campaign)["preparing_letters"] == 2
    assert [m.pk for m in _claimed(clock)] == [targets[0].outbound_id]  # only the one whose letter is stored
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(renders) == 3
    assert [m.pk for m in _claimed(clock)] == [t.outbound_id for t in targets[1:]]


@pytest.mark.django_db
def test_a_calendar_change_replans_waiting_messages_without_releasing_them(
    office, staff, head, approved_templates, letter_factory, renders, django_capture_on_commit_callbacks
):
    campaign, _ = _start(office, staff, head, letter_factory, 2, django_capture_on_commit_callbacks)
    assert services.office_campaigns_replan(office=office, now=NOW + dt.timedelta(hours=1)) == 2
    assert all(_held_for_letter(t.outbound) for t in _targets(campaign))
    assert all(t.outbound.not_after - send_grace() >= NOW + dt.timedelta(hours=1) for t in _targets(campaign))


@pytest.mark.django_db
def test_a_letter_that_cannot_be_rendered_releases_its_message_anyway(
    office, staff, head, approved_templates, letter_factory, monkeypatch, clock, django_capture_on_commit_callbacks
):
    campaign, _ = _start(office, staff, head, letter_factory, 3, django_capture_on_commit_callbacks)
    targets = _targets(campaign)
    broken = targets[1].letter.number

    def render(notice, *, office):
        if notice.letter_number == broken:
            raise RuntimeError("font missing")
        return FAKE_PDF

    monkeypatch.setattr(pdf, "render_notice_pdf", render)
    assert letters.render_campaign_letters(campaign.pk) == 2
    assert letters.letter_missing(targets[1].public_id)  # its request renders it again, or its fetch fails
    assert len(_claimed(clock)) == 3


@pytest.mark.django_db
def test_a_cancelled_campaign_stays_cancelled_and_its_letters_are_not_rendered(
    office, staff, head, approved_templates, letter_factory, renders, django_capture_on_commit_callbacks
):
    campaign, _ = _start(office, staff, head, letter_factory, 2, django_capture_on_commit_callbacks)
    services.campaign_cancel(campaign=campaign, actor=head)
    assert letters.render_campaign_letters(campaign.pk) == 0 and renders == []
    assert {t.outbound.state for t in _targets(campaign)} == {State.FAILED}


def _rendered(office, staff, head, letter_factory, capture):
    """A started campaign of two messages whose letters are stored: the campaign and its targets."""
    campaign, _ = _start(office, staff, head, letter_factory, 2, capture)
    letters.render_campaign_letters(campaign.pk)
    return campaign, _targets(campaign)


def _fail(targets, reason: str) -> None:
    """WhatsApp refused the targets' messages."""
    OutboundMessage.objects.filter(pk__in=[t.outbound_id for t in targets]).update(
        state=State.FAILED, error_reason=reason, failed_at=NOW
    )


@pytest.mark.django_db
def test_a_resend_holds_only_the_messages_whose_letter_is_missing(
    office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, targets = _rendered(office, staff, head, letter_factory, django_capture_on_commit_callbacks)
    _fail(targets, "WhatsApp tidak dapat mengambil media")
    services.campaign_sync(campaign=campaign)
    letters.forget_letters([targets[1].public_id])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert campaign_resend_failed(campaign=campaign, actor=head, now=NOW)["resent"] == 2
    resent = _targets(campaign)
    assert not _held_for_letter(resent[0].outbound) and _held_for_letter(resent[1].outbound)
    assert [m.pk for m in _claimed(clock)] == [resent[0].outbound_id]
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.pk for m in _claimed(clock)] == [resent[1].outbound_id]
    assert letters.letter_path(resent[1].public_id).read_bytes() == FAKE_PDF


@pytest.mark.django_db
def test_a_resend_while_paused_waits_for_the_resume(
    office, staff, head, approved_templates, letter_factory, renders, clock, django_capture_on_commit_callbacks
):
    campaign, targets = _rendered(office, staff, head, letter_factory, django_capture_on_commit_callbacks)
    _fail(targets[:1], "Nomor WhatsApp salah")
    services.campaign_pause(campaign=campaign, actor=head)
    assert campaign_resend_failed(campaign=campaign, actor=head, now=NOW)["resent"] == 1
    assert _claimed(clock) == []
    services.campaign_resume(campaign=campaign, actor=head, now=NOW + dt.timedelta(minutes=1))
    assert len(_claimed(clock)) == 2


@pytest.mark.django_db
def test_a_render_lost_with_its_worker_is_queued_again_by_the_tick_unless_one_runs(
    office, staff, head, approved_templates, letter_factory, renders, django_capture_on_commit_callbacks
):
    campaign, callbacks = _start(office, staff, head, letter_factory, 2, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # the render task, never run: its worker stopped
    last_planned = max(t.outbound.not_after - send_grace() for t in _targets(campaign))
    assert services.campaigns_tick(now=NOW)["renders_resumed"] == []  # not overdue yet: the render may still be running
    later = last_planned + letters.STALLED_AFTER + dt.timedelta(seconds=1)
    with HUEY.lock_task(f"campaign-letters-{campaign.pk}"):  # a render of this campaign is running
        assert services.campaigns_tick(now=later)["renders_resumed"] == []
    assert renders == [] and all(_held_for_letter(t.outbound) for t in _targets(campaign))
    assert services.campaigns_tick(now=later)["renders_resumed"] == [campaign.pk]  # tasks run inline here: rendered now
    assert len(renders) == 2 and not any(_held_for_letter(t.outbound) for t in _targets(campaign))
    assert services.campaigns_tick(now=later)["renders_resumed"] == []
