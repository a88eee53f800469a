"""A send payload checked as Meta checks it, and turned into what the phone page shows (the message's `view`)."""

from __future__ import annotations

from typing import Any

from triplec.simulator import templates as tpl
from triplec.simulator.replies import Rejected
from triplec.simulator.state import Simulator


def build_view(sim: Simulator, payload: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """What the phone shows for a message, and its pricing category; raises Rejected for bad payloads."""
    kind = payload.get("type", "text")
    if kind == "text":
        text = payload.get("text")
        if not isinstance(text, dict) or not isinstance(text.get("body"), str) or not text["body"].strip():
            raise Rejected(131008, "text.body is required.")
        if len(text["body"]) > 4096:
            raise Rejected(131009, "text.body is longer than 4096 characters.")
        return {"kind": "text", "body": text["body"]}, "service"
    if kind == "template":
        return _template_view(sim, payload.get("template"))
    if kind == "interactive":
        return _interactive_view(payload.get("interactive")), "service"
    if kind == "document":
        doc = payload.get("document")
        if not isinstance(doc, dict) or not (doc.get("link") or doc.get("id")):
            raise Rejected(131008, "document.link or document.id is required.")
        if doc.get("id") and str(doc["id"]) not in sim.media:
            raise Rejected(100, f"document.id {doc['id']} is not a media id of this phone number.")
        return {
            "kind": "document",
            "header": {
                "type": "document",
                "link": doc.get("link"),
                "id": doc.get("id"),
                "filename": doc.get("filename") or "dokumen.pdf",
            },
            "body": doc.get("caption") or "",
        }, "service"
    raise Rejected(100, f"type {kind!r} is not supported by the simulator (text, template, interactive, document).")


def _template_view(sim: Simulator, send: Any) -> tuple[dict[str, Any], str]:
    if not isinstance(send, dict) or not isinstance(send.get("name"), str):
        raise Rejected(131008, "template.name is required.")
    language = send.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    if not isinstance(code, str):
        raise Rejected(131008, "template.language.code is required.")
    found = sim.find_template(send["name"], code)
    if found is None or found["status"] in ("PENDING", "REJECTED"):
        raise Rejected(132001, f"template name ({send['name']}) does not exist in {code}")
    if found["status"] == "PAUSED":
        raise Rejected(132015, f"template {send['name']} is paused because of low quality.")
    if found["status"] == "DISABLED":
        raise Rejected(132016, f"template {send['name']} has been disabled.")
    try:
        view = tpl.check_and_render(found, send)
    except tpl.SendError as exc:
        raise Rejected(exc.code, exc.details) from None
    return view, found["category"].lower()


def _interactive_view(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("type") not in ("button", "list"):
        raise Rejected(131008, "interactive.type must be 'button' or 'list'.")
    body = data.get("body")
    if not isinstance(body, dict) or not str(body.get("text", "")).strip():
        raise Rejected(131008, "interactive.body.text is required.")
    action = data.get("action")
    if not isinstance(action, dict):
        raise Rejected(131008, "interactive.action is required.")
    header = data.get("header")
    view: dict[str, Any] = {
        "kind": "interactive",
        "body": body["text"],
        "header": {"type": "text", "text": header.get("text", "")}
        if isinstance(header, dict) and header.get("type") == "text"
        else None,
        "footer": (data.get("footer") or {}).get("text") if isinstance(data.get("footer"), dict) else None,
    }
    if data["type"] == "button":
        view["reply_buttons"] = _reply_buttons(action)
    else:
        view["list"] = _list_sheet(action)
    return view


def _reply_buttons(action: dict[str, Any]) -> list[dict[str, str]]:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise Rejected(131009, "interactive buttons: 1 to 3 buttons.")
    out = []
    for b in buttons:
        reply = b.get("reply") if isinstance(b, dict) else None
        if not isinstance(reply, dict) or not reply.get("id") or not reply.get("title"):
            raise Rejected(131008, "each button needs reply.id and reply.title.")
        if len(reply["title"]) > 20:
            raise Rejected(131009, f"button title {reply['title']!r} is longer than 20 characters.")
        out.append({"id": str(reply["id"]), "title": reply["title"]})
    return out


def _list_sheet(action: dict[str, Any]) -> dict[str, Any]:
    sections = action.get("sections")
    if not isinstance(action.get("button"), str) or not action["button"].strip():
        raise Rejected(131008, "interactive list: action.button is required.")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise Rejected(131009, "interactive list: 1 to 10 sections.")
    rows_total = 0
    sheet: dict[str, Any] = {"button": action["button"], "sections": []}
    for section in sections:
        rows = section.get("rows") if isinstance(section, dict) else None
        if not isinstance(rows, list) or not rows:
            raise Rejected(131008, "each list section needs rows.")
        rows_total += len(rows)
        out_rows = []
        for row in rows:
            if not isinstance(row, dict) or not row.get("id") or not row.get("title"):
                raise Rejected(131008, "each list row needs id and title.")
            if len(row["title"]) > 24:
                raise Rejected(131009, f"row title {row['title']!r} is longer than 24 characters.")
            out_rows.append({"id": str(row["id"]), "title": row["title"], "description": row.get("description", "")})
        sheet["sections"].append({"title": section.get("title", ""), "rows": out_rows})
    if rows_total > 10:
        raise Rejected(131009, "interactive list: at most 10 rows in all sections.")
    return sheet
