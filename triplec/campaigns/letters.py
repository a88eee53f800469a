"""Each target's Surat Teguran PDF, rendered once and then served from storage; a message goes only once its
letter is stored.

Rendering a letter (WeasyPrint) takes a tenth of a second or more of CPU; WhatsApp fetches every letter of a
campaign within seconds of its message, so rendering per request made fetches time out under load. So a message
with a document is queued held (`hold_for_letter`: its next attempt far in the future, its not_after keeping its
planned window), and the worker renders the campaign's letters in the order the messages go and releases each
chunk of messages once their letters are stored (`render_campaign_letters`): a released message goes at its
planned time (or at once when that has passed). A letter that cannot be rendered releases its message anyway:
its first request renders it again, or the fetch fails and the message is counted failed with that reason. Only
a running campaign's messages are released: a paused one stays paused (resume holds again those whose letter
is still missing and hands them to the worker), a cancelled one stays cancelled.

A worker that stops in the middle of a render loses its task: the minute tick finds a running campaign whose held
messages are overdue and whose render is not running (`resume_stalled_renders`), and queues the render again. The
render holds a per-campaign lock while it runs, so the tick never starts a second one beside it; the worker
flushes stale locks when it starts (`run_huey --flush-locks`).

Letters are written to DATA_DIR/letters/<two hex digits>/<target public id>.pdf. A target's letter is what its
message carried: it does not change after the start, so the stored file is never stale.
"""

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import HUEY, db_task

from triplec.core import wake
from triplec.messaging.models import OutboundMessage

from . import pdf
from .models import Campaign, CampaignState, Target
from .planning import send_grace, waiting_for_letter

log = logging.getLogger(__name__)


def letters_dir() -> Path:
    return Path(settings.DATA_DIR) / "letters"


def letter_path(public_id) -> Path:
    name = str(public_id)
    return letters_dir() / name[:2] / f"{name}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the whole file or none: a fetch never gets half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_letter(target: Target) -> Path:
    """The stored PDF of `target` (with its letter, taxpayer and campaign office loaded), rendered if missing."""
    path = letter_path(target.public_id)
    if path.is_file():
        return path
    _write_atomically(path, pdf.render_notice_pdf(pdf.notice_for_target(target), office=target.campaign.office))
    return path


def forget_letters(public_ids) -> None:
    """Delete the stored letters of targets whose message will not go (a cancelled campaign)."""
    for public_id in public_ids:
        letter_path(public_id).unlink(missing_ok=True)


# How many messages a render releases at a time: small, so the first messages go within seconds of the start
# (a letter takes a tenth of a second or more to render), and WhatsApp's fetches follow the worker's rendering
# instead of overtaking it.
RELEASE_CHUNK = 20


def hold_for_letter() -> bool:
    """Whether messages with a document wait for their letter: whenever a worker renders the letters. When tasks
    run inline (the tests) nothing is held and nothing rendered ahead: a test's simulator fetches each letter from
    the test's own server, whose view renders it before it answers, so there too no fetch finds its letter
    missing (rendering every started letter inline would cost the test suite a minute for nothing)."""
    return not settings.HUEY.get("immediate")


def letter_missing(public_id) -> bool:
    return not letter_path(public_id).is_file()


def release_for_letters(campaign_id: int, outbound_ids: list[int]) -> str | None:
    """Release those of the messages that wait for their letter, if the campaign is running; each goes at its
    planned time (not_after minus the grace). Returns the campaign's state (None: it is gone)."""
    with transaction.atomic():
        state = (
            Campaign.objects.select_for_update(of=("self",))
            .filter(pk=campaign_id)
            .values_list("state", flat=True)
            .first()
        )
        if state == CampaignState.RUNNING and outbound_ids:
            released = waiting_for_letter(OutboundMessage.objects.filter(pk__in=outbound_ids)).update(
                next_attempt_at=F("not_after") - send_grace()
            )
            if released:
                wake.notify_on_commit(wake.OUTBOX)  # the dispatcher sends them now, not at its next idle look
    return state


def render_campaign_letters(campaign_id: int, *, chunk: int = RELEASE_CHUNK) -> int:
    """Render every letter of a campaign's messages not yet stored, first those that go first, and release the
    messages waiting for them chunk by chunk; returns how many letters were rendered. A letter that cannot be
    rendered releases its message anyway. Stops when the campaign has ended (cancelled: its letters are deleted).
    Safe to run twice (or beside a first request): a letter is written whole, once."""
    rendered = 0
    messaged = Target.objects.filter(campaign_id=campaign_id, messaged=True, letter__isnull=False)
    # Ids first, then each chunk read afresh: no cursor stays open across the releases' commits, and a target
    # cancelled meanwhile (no longer messaged) is skipped.
    ids = list(messaged.order_by("outbound__not_after", "outbound_id").values_list("pk", flat=True))
    for i in range(0, len(ids), chunk):
        batch = (
            messaged.filter(pk__in=ids[i : i + chunk])
            .select_related("campaign__office", "letter", "taxpayer")
            .order_by("outbound__not_after", "outbound_id")
        )
        released = []
        for target in batch:
            if letter_missing(target.public_id):
                try:
                    render_letter(target)
                    rendered += 1
                except Exception:  # noqa: BLE001 - one bad letter must not stop the others; its request renders again
                    log.exception("campaign %s: letter of target %s could not be rendered", campaign_id, target.pk)
            if target.outbound_id:
                released.append(target.outbound_id)
        if release_for_letters(campaign_id, released) not in (CampaignState.RUNNING, CampaignState.PAUSED):
            break  # cancelled (or gone): nothing of it goes any more
    return rendered


def _render_lock(campaign_id: int) -> str:
    return f"campaign-letters-{campaign_id}"


@db_task()
def render_letters_task(campaign_id: int) -> int:
    """The worker's job behind render_ahead (a Huey task: tasks.py imports it, so the consumer knows it). One
    render per campaign at a time: a second one queued meanwhile ends at once (Huey's TaskLockedException)."""
    with HUEY.lock_task(_render_lock(campaign_id)):
        return render_campaign_letters(campaign_id)


# How long past its planned time a held message may wait before the tick assumes its render was lost.
STALLED_AFTER = dt.timedelta(minutes=2)


def resume_stalled_renders(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the render again for every running campaign that has held messages overdue by STALLED_AFTER and no
    render running (its worker stopped mid-way). Returns those campaigns' ids."""
    if not hold_for_letter():
        return []
    now = now or timezone.now()
    overdue = waiting_for_letter(OutboundMessage.objects.all()).filter(not_after__lt=now - STALLED_AFTER + send_grace())
    campaign_ids = (
        Target.objects.filter(campaign__state=CampaignState.RUNNING, outbound__in=overdue)
        .order_by("campaign_id")
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    resumed = [pk for pk in campaign_ids if not HUEY.is_locked(_render_lock(pk))]
    for pk in resumed:
        log.warning("campaign %s: held messages overdue and no render running; rendering again", pk)
        render_letters_task(pk)
    return resumed


def render_ahead(campaign_id: int) -> None:
    """After a start, resume or resend commits: render its letters in the worker, which releases the messages
    waiting for them. Skipped when tasks run inline (see `hold_for_letter`)."""
    if not hold_for_letter():
        return
    transaction.on_commit(lambda: render_letters_task(campaign_id))
