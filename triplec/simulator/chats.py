"""The phone's chats kept across restarts, as WhatsApp keeps them: each user (with the time of their last message,
which opens the 24-hour customer-service window) and the messages the business sent, saved to a JSON file a moment
after each change. Without a file (tests) they live in memory only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# The newest messages kept in the file: enough for every chat a demo shows, small enough to write in milliseconds.
KEEP_MESSAGES = 5_000


def load(path: str | None) -> dict[str, Any]:
    """{"users": [...], "messages": [...]} as last saved; empty lists without a path, a file, or readable JSON."""
    empty: dict[str, Any] = {"users": [], "messages": []}
    if not path or not Path(path).is_file():
        return empty
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a damaged file: start with empty chats rather than not at all
        return empty
    if not isinstance(data, dict):
        return empty
    return {key: [item for item in data.get(key, []) if isinstance(item, dict)] for key in empty}


def save(path: str | None, users: list[dict[str, Any]], messages: list[dict[str, Any]]) -> None:
    """Write the chats to `path` atomically (a crash leaves the old file or the new one, never half)."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    data = {"users": users, "messages": messages[-KEEP_MESSAGES:]}
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, target)
