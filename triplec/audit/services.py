from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation

from triplec.core.phrases import Phrase

from .models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    taxpayer=None,
    office=None,
    channel: str = "web",
    summary: Phrase | str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Office and taxpayer are taken from the object when it has them: the taxpayer is the
    object's (or the object itself), the office the taxpayer's, else the object's, else the actor's.

    `summary` is a Phrase, shown in each reader's language; its text in the default language is stored too."""
    if taxpayer is None and obj is not None:
        taxpayer = obj if obj._meta.label == "taxpayers.Taxpayer" else getattr(obj, "taxpayer", None)
    if office is None:
        office = getattr(taxpayer, "office", None) or getattr(obj, "office", None) or getattr(actor, "office", None)
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        channel=channel,
        office=office,
        taxpayer=taxpayer,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=_default_language(summary)[:300],
        summary_phrase=summary.as_data() if isinstance(summary, Phrase) else None,
        detail=detail or {},
    )


def audit_listing(
    *, action: str, actor, rows: int, summary: Phrase, detail: dict[str, Any] | None = None, channel: str = "web"
) -> AuditEntry:
    """One entry for one page of a list that shows taxpayers (names, NPWPs, amounts): who saw how many rows, with
    which filters. Under the viewer's office (lists are office-scoped; an administrator's has none)."""
    return audit_record(
        action=action, actor=actor, channel=channel, summary=summary, detail={"rows": rows, **(detail or {})}
    )


def _default_language(summary: Phrase | str) -> str:
    if not isinstance(summary, Phrase):
        return summary
    with translation.override(settings.LANGUAGE_CODE):
        return str(summary)


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields that differ, for the audit detail of an update."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
