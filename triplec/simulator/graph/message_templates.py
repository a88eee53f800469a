"""The template endpoints: `GET|POST /{waba_id}/message_templates` (list with Meta's paging and summary, create)
and `GET|POST /{template_id}` (one template, edit). A created or edited template is reviewed by template_events."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

from triplec.simulator import template_events
from triplec.simulator import templates as tpl
from triplec.simulator.graph.fields import fields_of, only_fields
from triplec.simulator.replies import Reply, meta_error, reply_json
from triplec.simulator.routing import Request
from triplec.simulator.state import Simulator

TEMPLATE_LIMIT = 250


def list_templates(sim: Simulator, request: Request, version: str, waba_id: str) -> Reply:
    query = request.query
    items = sim.templates
    for field in ("name", "status", "language", "category"):
        if field in query:
            wanted = query[field][0]
            items = [t for t in items if str(t.get(field, "")).lower() == wanted.lower()]
    try:
        limit = max(1, min(1000, int(query.get("limit", ["25"])[0])))
        after = _decode_cursor(query["after"][0]) if "after" in query else None
        before = _decode_cursor(query["before"][0]) if "before" in query else None
    except ValueError:
        return meta_error(100, "Invalid parameter", "limit must be a number and cursors must come from paging.")
    page, start, end = tpl.paginate(items, limit, after, before)
    fields = fields_of(query)
    if fields:
        page = [only_fields(t, fields) for t in page]
    paging: dict[str, Any] = {"cursors": {"before": _encode_cursor(start), "after": _encode_cursor(end)}}
    base = {k: v[0] for k, v in query.items() if k not in ("after", "before")}
    if end < len(items):
        paging["next"] = f"/{version}/{waba_id}/message_templates?" + urlencode({**base, "after": _encode_cursor(end)})
    if start > 0:
        paging["previous"] = f"/{version}/{waba_id}/message_templates?" + urlencode(
            {**base, "before": _encode_cursor(start)}
        )
    out: dict[str, Any] = {"data": page, "paging": paging}
    summary = _summary(sim, items, query)
    if summary:
        out["summary"] = summary
    return reply_json(out)


def _summary(sim: Simulator, items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
    """`summary=` on the template list: the aggregate fields asked for (`true` means total_count)."""
    asked = [f.strip() for f in ",".join(query.get("summary", [])).split(",") if f.strip()]
    if asked in (["true"], ["1"]):
        asked = ["total_count"]
    names = {t["name"] for t in sim.templates}
    known = {
        "total_count": len(items),
        "message_template_count": len(names),
        "message_template_limit": TEMPLATE_LIMIT,
        "are_translations_complete": all(t["status"] != "PENDING" for t in sim.templates),
    }
    return {f: known[f] for f in asked if f in known}


def _encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"i:{index}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("i:"):
            raise ValueError
        return int(raw[2:])
    except Exception as exc:
        raise ValueError("bad cursor") from exc


def create(sim: Simulator, request: Request) -> Reply:
    """Validated as Meta does; PENDING, then approved after `template_approval_ms`."""
    try:
        data = tpl.validate_new_template(request.json())
    except ValueError as exc:  # TemplateInvalid and JSON errors
        return meta_error(100, "Invalid parameter", str(exc) or "The request body is not JSON.")
    if sim.find_template(data["name"], data["language"]):
        return meta_error(
            100,
            "Invalid parameter",
            f"Content in this language already exists for {data['name']} ({data['language']}).",
            subcode=2388024,
        )
    item = sim._add_template(data, status="PENDING")
    template_events.approve_later(sim, item)
    return reply_json({"id": item["id"], "status": "PENDING", "category": item["category"]})


def get_one(sim: Simulator, request: Request, template_id: str) -> Reply:
    item = sim.find_template_by_id(template_id)
    assert item is not None
    return reply_json(only_fields(item, fields_of(request.query)))


def edit(sim: Simulator, request: Request, template_id: str) -> Reply:
    """Meta's template edit: new components (and category) go back to review, then approved after
    `template_approval_ms` like a new template."""
    item = sim.find_template_by_id(template_id)
    assert item is not None
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("The request body must be a JSON object.")
        clean = tpl.validate_new_template(
            {
                **{k: item[k] for k in ("name", "language", "category", "parameter_format")},
                **data,
                "components": data.get("components", item["components"]),
            }
        )
    except ValueError as exc:
        return meta_error(100, "Invalid parameter", str(exc) or "The request body is not JSON.")
    item.update(category=clean["category"], components=clean["components"], status="PENDING")
    item.pop("rejected_reason", None)
    sim.save_templates()
    template_events.approve_later(sim, item)
    return reply_json({"success": True})
