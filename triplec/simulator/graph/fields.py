"""The Graph API's `fields` parameter: a node answers only the fields asked for (and always its `id`)."""

from __future__ import annotations

from typing import Any


def fields_of(query: dict[str, list[str]]) -> list[str]:
    return [f.strip() for f in ",".join(query.get("fields", [])).split(",") if f.strip()]


def only_fields(item: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """A Graph node with only the requested fields (and always its `id`), in Meta's way; all when none asked."""
    if not fields:
        return item
    return {k: v for k, v in item.items() if k in fields or k == "id"}
