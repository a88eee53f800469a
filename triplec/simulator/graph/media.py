"""Media as Meta keeps it: uploads (`POST /{phone_number_id}/media`), `GET`/`DELETE /{media_id}`, the download
URL, the documents Meta fetches from a message's `link`, and the files taxpayers send."""

from __future__ import annotations

import hashlib
import logging
import random
import re
from typing import Any
from urllib.parse import quote

import httpx

from triplec.simulator import statuses
from triplec.simulator.replies import ERROR_TITLES, Reply, meta_error, reply_json, unknown_object
from triplec.simulator.routing import Request
from triplec.simulator.state import Simulator

log = logging.getLogger("triplec.simulator")


def store(sim: Simulator, content: bytes, mime_type: str, filename: str | None) -> str:
    media_id = sim.new_numeric_id()
    sim.media[media_id] = {
        "content": content,
        "mime_type": mime_type,
        "filename": filename,
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    return media_id


def upload(sim: Simulator, request: Request, phone_number_id: str) -> Reply:
    if phone_number_id != sim.config["phone_number_id"]:
        return unknown_object(phone_number_id)
    try:
        fields, files = parse_multipart(request.headers.get("content-type", ""), request.body)
    except ValueError as exc:
        return meta_error(100, "Invalid parameter", str(exc))
    if fields.get("messaging_product") != "whatsapp":
        return meta_error(100, "Invalid parameter", "messaging_product must be 'whatsapp'.")
    if "file" not in files:
        return meta_error(131008, ERROR_TITLES[131008], "file is required.")
    filename, content_type, content = files["file"]
    if len(content) > sim.config["media_max_bytes"]:
        return meta_error(131053, "Media upload error", "The file is too large.")
    media_id = store(sim, content, fields.get("type") or content_type, filename)
    sim.stats["media"]["uploaded"] += 1
    return reply_json({"id": media_id})


def info(sim: Simulator, request: Request, media_id: str) -> Reply:
    """`GET /{media_id}`: Meta's description, with a download URL on this server (it needs the Bearer token)."""
    item = sim.media[media_id]
    return reply_json(
        {
            "messaging_product": "whatsapp",
            "id": media_id,
            "mime_type": item["mime_type"],
            "sha256": item["sha256"],
            "file_size": len(item["content"]),
            "url": f"http://{request.headers.get('host', '127.0.0.1')}/_sim/media/{media_id}",
        }
    )


def delete(sim: Simulator, media_id: str) -> Reply:
    del sim.media[media_id]
    return reply_json({"success": True})


def file_reply(sim: Simulator, media_id: str) -> Reply:
    """The file itself (the download URL, and the phone page's links)."""
    item = sim.media.get(media_id)
    if item is None:
        return reply_json({"error": "unknown media id"}, 404)
    name = quote(item["filename"] or f"{media_id}.bin")
    return (
        200,
        [
            (b"content-type", item["mime_type"].encode()),
            (b"content-disposition", f"inline; filename*=UTF-8''{name}".encode()),
        ],
        item["content"],
    )


async def fetch_document(
    sim: Simulator, msg: dict[str, Any], header: dict[str, Any], rng: random.Random | None = None
) -> None:
    """Meta downloads a document `link` itself; so do we, so the phone page can open the PDF. A document
    that cannot be fetched fails the message (status `failed`, 131053), as on Meta."""
    sim.ensure_runtime()
    assert sim.http is not None
    try:
        response = await sim.http.get(header["link"], follow_redirects=True)
        if response.status_code != 200:
            raise ValueError(f"HTTP {response.status_code}")
        content = response.content
        if len(content) > sim.config["media_max_bytes"]:
            raise ValueError(f"file larger than {sim.config['media_max_bytes']} bytes")
    except (httpx.HTTPError, ValueError) as exc:
        msg["media_error"] = f"{type(exc).__name__}: {exc}" if isinstance(exc, httpx.HTTPError) else str(exc)
        sim.stats["media"]["fetch_failed"] += 1
        log.warning("could not fetch the document of %s: %s", msg["wamid"], msg["media_error"])
        if rng is not None:
            statuses.schedule(
                sim,
                msg,
                rng,
                {
                    "code": 131053,
                    "title": "Media upload error",
                    "message": "Media upload error",
                    "error_data": {"details": f"Unable to download the media from the link: {msg['media_error']}"},
                    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                },
            )
    else:
        mime = response.headers.get("content-type", "application/pdf").split(";")[0]
        header["media_id"] = store(sim, content, mime, header["filename"])
        sim.stats["media"]["fetched"] += 1
        if rng is not None:
            statuses.schedule(sim, msg, rng, None)
    sim.touch(msg["chat"])


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """A small multipart/form-data reader for media uploads (fields, and files as (name, type, bytes))."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not content_type.startswith("multipart/form-data") or not match:
        raise ValueError("media uploads must be multipart/form-data")
    boundary = b"--" + match.group(1).encode()
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, str, bytes]] = {}
    for part in body.split(boundary)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, _, content = part.partition(b"\r\n\r\n")
        content = content[:-2] if content.endswith(b"\r\n") else content
        header_text = head.decode("utf-8", "replace")
        name = re.search(r'name="([^"]*)"', header_text)
        if not name:
            continue
        filename = re.search(r'filename="([^"]*)"', header_text)
        ctype = re.search(r"(?i)content-type:\s*([^\r\n]+)", header_text)
        if filename:
            files[name.group(1)] = (
                filename.group(1),
                ctype.group(1).strip() if ctype else "application/octet-stream",
                content,
            )
        else:
            fields[name.group(1)] = content.decode("utf-8", "replace")
    return fields, files
