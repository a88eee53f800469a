"""What every handler answers: a (status, headers, body) triple, JSON replies, and Meta's error JSON.

A bare triple rather than a response class: the ASGI entry point sends it as is, which keeps the send path short.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

Reply = tuple[int, list[tuple[bytes, bytes]], bytes]

JSON_HEADERS = [(b"content-type", b"application/json")]

# The `message` titles Meta gives its error codes (the code goes in front as "(#code)").
ERROR_TITLES = {
    100: "Invalid parameter",
    130429: "Rate limit hit",
    131008: "Required parameter is missing",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    132000: "Number of parameters does not match the expected number of params",
    132001: "Template name does not exist in the translation",
    132012: "Parameter format does not match format in the created template",
    132015: "Template is paused",
    132016: "Template is disabled",
}


class Rejected(Exception):
    """A message Meta refuses synchronously: the error code and the `details` Meta puts in error_data."""

    def __init__(self, code: int, details: str):
        super().__init__(details)
        self.code = code
        self.details = details


def reply_json(data: Any, status: int = 200) -> Reply:
    return status, JSON_HEADERS, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def meta_error(
    code: int,
    message: str,
    details: str,
    http_status: int = 400,
    *,
    subcode: int | None = None,
    transient: bool = False,
    kind: str = "OAuthException",
) -> Reply:
    """Meta's error JSON (§1g of the contract)."""
    error: dict[str, Any] = {
        "message": f"(#{code}) {message}",
        "type": kind,
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
        "is_transient": transient,
        "fbtrace_id": base64.urlsafe_b64encode(os.urandom(12)).decode().rstrip("="),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return reply_json({"error": error}, http_status)


def rejection(exc: Rejected) -> Reply:
    return meta_error(exc.code, ERROR_TITLES.get(exc.code, "Error"), exc.details)


def unknown_object(object_id: str) -> Reply:
    """Meta's answer to a Graph path whose object does not exist (or does not take this method)."""
    return meta_error(
        100,
        "Unsupported post request",
        f"Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this "
        "operation.",
        subcode=33,
    )
