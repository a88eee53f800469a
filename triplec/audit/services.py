from typing import Any

from django.db import models

from .models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    taxpayer=None,
    office=None,
    channel: str = "web",
    summary: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry. Office and taxpayer are taken from the object when it has them."""
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
        summary=summary[:300],
        detail=detail or {},
    )


def audit_listing(
    *, action: str, actor, rows: int, summary: str, detail: dict[str, Any] | None = None, channel: str = "web"
) -> AuditEntry:
    """One entry for one page of a list that shows taxpayers (names, NPWPs, amounts): who saw how many rows, with
    which filters. Under the viewer's office (lists are office-scoped; an administrator's has none)."""
    return audit_record(
        action=action, actor=actor, channel=channel, summary=summary, detail={"rows": rows, **(detail or {})}
    )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields that differ, for the audit detail of an update."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
