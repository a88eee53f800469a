"""A fast path in front of Django's ASGI application for the signed PDF links WhatsApp fetches.

WhatsApp fetches the letters of a campaign's messages all at once (hundreds within seconds). Through Django
each fetch crossed the whole middleware stack (sessions, locale, CSRF, auth, messages, timezone, permissions)
on the one thread ASGI gives sync code, about 15 ms each on this machine: 500 at once waited up to 8 s, past
the fetcher's patience. Here a stored letter is served with the signature checked (HMAC, constant time), the
file read off the event loop, and its audit entry written with the others of the same moment in one
transaction a little later (at most FLUSH_SECONDS). Anything else (an invalid or expired link, a letter not yet
rendered, a cancelled target) goes to Django's view unchanged, which answers it as before.
"""

from __future__ import annotations

import asyncio
import logging
import re

from asgiref.sync import sync_to_async

from triplec.core.phrases import Phrase

log = logging.getLogger(__name__)

PATH = re.compile(r"^/campaigns/notice/([^/]+)/surat-teguran\.pdf$")
FLUSH_SECONDS = 0.5
HEADERS = [
    (b"content-type", b"application/pdf"),
    (b"content-disposition", b'inline; filename="surat-teguran.pdf"'),
    (b"cache-control", b"private, no-store"),
]


class LetterFastPath:
    def __init__(self, app):
        self.app = app
        self.pending: list[str] = []
        self.flusher: asyncio.Task | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            match = PATH.match(scope["path"])
            if match:
                data = await self._stored(match.group(1))
                if data is not None:
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 200,
                            "headers": [*HEADERS, (b"content-length", str(len(data)).encode())],
                        }
                    )
                    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else data})
                    self._audit_later(match.group(1))
                    return
        await self.app(scope, receive, send)

    async def _stored(self, token: str) -> bytes | None:
        from .letters import letter_path
        from .links import LinkExpired, LinkInvalid, unsign_token

        try:
            public_id = unsign_token(token)
        except (LinkExpired, LinkInvalid):
            return None
        path = letter_path(public_id)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except OSError:
            return None

    def _audit_later(self, token: str) -> None:
        from .links import unsign_token

        self.pending.append(unsign_token(token))
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        batch, self.pending = self.pending, []
        try:
            await sync_to_async(_record_in_pool_thread, thread_sensitive=False)(batch)
        except Exception:  # noqa: BLE001 - logged; the letters were served
            log.exception("audit of %d letter fetches failed", len(batch))


def _record_in_pool_thread(public_ids: list[str]) -> int:
    """`record_fetches` on a pool thread's own connection, closed as a request's would be."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        return record_fetches(public_ids)
    finally:
        close_old_connections()


def record_fetches(public_ids: list[str]) -> int:
    """One audit entry per fetch (as the view writes it), all in one transaction."""
    from django.db import transaction

    from triplec.audit.services import audit_record

    from .models import Target

    targets = {
        str(t.public_id): t
        for t in Target.objects.filter(public_id__in=set(public_ids)).select_related(
            "campaign__office", "letter", "taxpayer__office"
        )
    }
    with transaction.atomic():
        for public_id in public_ids:
            target = targets.get(public_id)
            if target is not None and target.letter is not None:
                audit_record(
                    action="campaign.pdf_fetch",
                    obj=target.campaign,
                    taxpayer=target.taxpayer,
                    channel="whatsapp",
                    summary=Phrase("PDF of Surat Teguran %(number)s fetched", number=target.letter.number),
                    detail={"target": target.pk},
                )
    return len(public_ids)
