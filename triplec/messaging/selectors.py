"""Reads of the WhatsApp channel for the console: the webhook quarantine."""

import json

from django.db.models import QuerySet

from triplec.core.masking import mask_name, mask_text

from .models import EventState, WebhookEvent

SHOWN_BODY_CHARS = 20_000  # Meta's bodies are a few kB; a page need not carry a megabyte of garbage
_NAME_KEYS = {"name", "profile_name", "formatted_name", "first_name", "last_name"}
_TEXT_KEYS = {"body", "caption", "title", "description", "text", "filename", "address"}


def quarantined_events() -> QuerySet[WebhookEvent]:
    # processed_at IS NULL: the indexed column (state is not indexed; see the model)
    return (
        WebhookEvent.objects.filter(processed_at__isnull=True, state=EventState.QUARANTINED)
        .defer("body")
        .order_by("-received_at", "-id")
    )


def quarantined_event(pk: int) -> WebhookEvent:
    return WebhookEvent.objects.get(pk=pk, state=EventState.QUARANTINED)


def masked_body(body: str) -> str:
    """The body as an administrator may see it: numbers that look like an NPWP, NIK or phone masked
    (`core.masking`), and, when it parses as JSON, names and what the taxpayer wrote shortened to their first
    letter. Pretty-printed when it is JSON, so that the reason's location can be followed."""
    body = body[:SHOWN_BODY_CHARS]
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return mask_text(body)
    try:
        return json.dumps(_mask(payload), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # too deep to print: fall back to the masked raw text
        return mask_text(body)


_BUSINESS_KEYS = {"phone_number_id", "display_phone_number"}  # the office's own number and ids, not personal


def _mask(node, key: str = "", in_entry: bool = False):
    if isinstance(node, dict):
        return {k: node[k] if k in _BUSINESS_KEYS or in_entry and k == "id" else _mask(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_mask(v, key, in_entry=key == "entry") for v in node]  # entry[].id is the business account
    if isinstance(node, str):
        if key in _NAME_KEYS or key in _TEXT_KEYS and node:
            return _initial(node)
        return mask_text(node)
    if isinstance(node, int) and not isinstance(node, bool) and len(str(abs(node))) >= 8:
        return mask_text(str(node))  # a phone or NPWP sent as a number
    return node


def _initial(text: str) -> str:
    return mask_name(text)
