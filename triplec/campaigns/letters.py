"""Each target's Surat Teguran PDF, rendered once and then served from storage.

Rendering a letter (WeasyPrint) takes a tenth of a second or more of CPU; WhatsApp fetches every letter of a
campaign within seconds of its message, so rendering per request made fetches time out under load. A letter is
rendered ahead, by the worker, right after its campaign starts (in the order its messages go), or at the
latest on its first request, and written to DATA_DIR/letters/<two hex digits>/<target public id>.pdf; every
fetch after that is a file read. A target's letter is what its message carried: it does not change after the
start, so the stored file is never stale.
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from huey.contrib.djhuey import db_task

from . import pdf
from .models import Target

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


def render_campaign_letters(campaign_id: int) -> int:
    """Render every letter of a campaign's queued messages not yet stored, first those that go first; returns
    how many were rendered. Safe to run twice (or beside a first request): a letter is written whole, once."""
    rendered = 0
    targets = (
        Target.objects.filter(campaign_id=campaign_id, messaged=True, letter__isnull=False)
        .select_related("campaign__office", "letter", "taxpayer")
        .order_by("outbound__next_attempt_at", "id")
    )
    for target in targets.iterator(chunk_size=200):
        if letter_path(target.public_id).is_file():
            continue
        try:
            render_letter(target)
            rendered += 1
        except Exception:  # noqa: BLE001 - one bad letter must not stop the others; its request renders again
            log.exception("campaign %s: letter of target %s could not be rendered", campaign_id, target.pk)
    return rendered


@db_task()
def render_letters_task(campaign_id: int) -> int:
    """The worker's job behind render_ahead (a Huey task: tasks.py imports it, so the consumer knows it)."""
    return render_campaign_letters(campaign_id)


def render_ahead(campaign_id: int) -> None:
    """After a start (or a resend) commits: render its letters in the worker. Skipped when tasks run inline
    (tests): the first request renders each letter then."""
    if settings.HUEY.get("immediate"):
        return
    transaction.on_commit(lambda: render_letters_task(campaign_id))
