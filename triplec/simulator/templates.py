"""Message templates as Meta keeps them: the store, the checks Meta makes when one is sent, and the rendering the
phone page shows. Pure functions over plain dicts (the JSON Meta uses), no I/O."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

SEED_FILE = Path(__file__).with_name("seed_templates.json")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
NAME_RE = re.compile(r"^[a-z0-9_]{1,512}$")
CATEGORIES = {"UTILITY", "MARKETING", "AUTHENTICATION"}
HEADER_FORMATS = {"TEXT", "DOCUMENT", "IMAGE", "VIDEO", "LOCATION"}


class SendError(Exception):
    """A template send Meta would refuse: the error code and the `details` Meta puts in error_data."""

    def __init__(self, code: int, details: str):
        super().__init__(details)
        self.code = code
        self.details = details


class TemplateInvalid(ValueError):
    """A template creation Meta would refuse (error 100, with a reason)."""


def load_seed() -> list[dict[str, Any]]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def load_saved(path: str | None) -> list[dict[str, Any]]:
    """The templates saved in `path` (none when there is no path or no file yet)."""
    if not path or not Path(path).is_file():
        return []
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [t for t in data.get("templates", []) if isinstance(t, dict) and t.get("id") and t.get("name")]


def save(path: str | None, templates: list[dict[str, Any]]) -> None:
    """Write the templates to `path` atomically (a crash leaves the old file or the new one, never half)."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps({"templates": templates}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)


def component(tpl: dict[str, Any], kind: str) -> dict[str, Any] | None:
    for comp in tpl.get("components", []):
        if str(comp.get("type", "")).upper() == kind:
            return comp
    return None


def placeholders(text: str | None) -> list[str]:
    """Distinct placeholder names in order of first appearance ("1", "2" or "nama", "perihal")."""
    return list(_placeholders(text or ""))


@functools.lru_cache(maxsize=1024)
def _placeholders(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return tuple(seen)


def validate_new_template(data: dict[str, Any]) -> dict[str, Any]:
    """The normalised template a `POST /{waba}/message_templates` would create, or TemplateInvalid."""
    if not isinstance(data, dict):
        raise TemplateInvalid("The request body must be a JSON object.")
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise TemplateInvalid("name must be lowercase letters, digits and underscores.")
    language = data.get("language")
    if not isinstance(language, str) or not re.match(r"^[a-z]{2,3}(_[A-Z]{2})?$", language):
        raise TemplateInvalid("language must be a locale code such as 'id' or 'en_US'.")
    category = str(data.get("category", "")).upper()
    if category not in CATEGORIES:
        raise TemplateInvalid("category must be UTILITY, MARKETING or AUTHENTICATION.")
    fmt = str(data.get("parameter_format", "POSITIONAL")).upper()
    if fmt not in ("POSITIONAL", "NAMED"):
        raise TemplateInvalid("parameter_format must be POSITIONAL or NAMED.")
    components = data.get("components")
    if not isinstance(components, list) or not components:
        raise TemplateInvalid("components must be a non-empty list.")
    body = None
    for comp in components:
        if not isinstance(comp, dict):
            raise TemplateInvalid("each component must be an object.")
        kind = str(comp.get("type", "")).upper()
        comp["type"] = kind
        if kind == "HEADER":
            if str(comp.get("format", "")).upper() not in HEADER_FORMATS:
                raise TemplateInvalid("a HEADER needs a format: TEXT, DOCUMENT, IMAGE, VIDEO or LOCATION.")
            comp["format"] = comp["format"].upper()
            if comp["format"] == "TEXT" and len(placeholders(comp.get("text"))) > 1:
                raise TemplateInvalid("a text header supports at most 1 parameter.")
        elif kind == "BODY":
            body = comp
            if not isinstance(comp.get("text"), str) or not comp["text"].strip():
                raise TemplateInvalid("the BODY needs text.")
        elif kind == "BUTTONS":
            buttons = comp.get("buttons")
            if not isinstance(buttons, list) or not 1 <= len(buttons) <= 10:
                raise TemplateInvalid("BUTTONS needs 1 to 10 buttons.")
        elif kind != "FOOTER":
            raise TemplateInvalid(f"unknown component type {kind!r}.")
    if body is None:
        raise TemplateInvalid("a template needs a BODY component.")
    names = [n for comp in components for n in placeholders(comp.get("text"))]
    if fmt == "POSITIONAL" and any(not n.isdigit() for n in names):
        raise TemplateInvalid("POSITIONAL templates use {{1}}, {{2}}, … placeholders.")
    if fmt == "NAMED" and any(not re.match(r"^[a-z_][a-z0-9_]{0,19}$", n) for n in names):
        raise TemplateInvalid("NAMED placeholders are lowercase letters and underscores, at most 20 characters.")
    return {
        "name": name,
        "language": language,
        "category": category,
        "parameter_format": fmt,
        "components": components,
    }


def _param_text(param: dict[str, Any]) -> str:
    kind = param.get("type")
    if kind == "text":
        return str(param.get("text", ""))
    if kind == "currency":
        return str((param.get("currency") or {}).get("fallback_value", ""))
    if kind == "date_time":
        return str((param.get("date_time") or {}).get("fallback_value", ""))
    if kind == "payload":
        return str(param.get("payload", ""))
    return ""


def _fill(text: str, expected: list[str], params: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "NAMED":
        values = {p.get("parameter_name"): _param_text(p) for p in params}
    else:
        values = {name: _param_text(p) for name, p in zip(expected, params)}
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _check_params(where: str, expected: list[str], params: list[Any], fmt: str) -> None:
    for param in params:
        if not isinstance(param, dict) or "type" not in param:
            raise SendError(131008, f"{where}: every parameter needs a type.")
    text_params = [p for p in params if p.get("type") in ("text", "currency", "date_time")]
    named = [p for p in text_params if "parameter_name" in p]
    if fmt == "NAMED" and len(named) != len(text_params):
        raise SendError(132012, f"{where}: the template uses NAMED parameters; every parameter needs parameter_name.")
    if fmt == "POSITIONAL" and named:
        raise SendError(132012, f"{where}: the template uses POSITIONAL parameters; parameter_name is not allowed.")
    if len(text_params) != len(expected):
        raise SendError(
            132000,
            f"Number of parameters does not match the expected number of params ({where}: expected "
            f"{len(expected)}, received {len(text_params)}).",
        )
    if fmt == "NAMED":
        given = {p["parameter_name"] for p in named}
        if given != set(expected):
            missing = sorted(set(expected) - given)
            raise SendError(132000, f"{where}: parameters do not match the template (missing: {', '.join(missing)}).")
    for p in text_params:
        if not _param_text(p).strip():
            raise SendError(131008, f"{where}: a parameter value is empty.")


def check_and_render(tpl: dict[str, Any], send: dict[str, Any]) -> dict[str, Any]:
    """Meta's send-time checks of `send` (the `template` object of a message) against `tpl`; returns what the
    taxpayer's phone shows. Raises SendError(132000 | 132012 | 131008 | 131009)."""
    fmt = tpl.get("parameter_format", "POSITIONAL")
    sent: dict[str, list[dict[str, Any]]] = {"header": [], "body": []}
    button_params: dict[int, dict[str, Any]] = {}
    components = send.get("components", [])
    if not isinstance(components, list):
        raise SendError(131009, "template.components must be a list.")
    for comp in components:
        if not isinstance(comp, dict):
            raise SendError(131009, "each template component must be an object.")
        kind = str(comp.get("type", "")).lower()
        params = comp.get("parameters", [])
        if not isinstance(params, list):
            raise SendError(131009, f"{kind}: parameters must be a list.")
        if kind in ("header", "body"):
            sent[kind].extend(params)
        elif kind == "button":
            try:
                index = int(comp.get("index"))
            except (TypeError, ValueError):
                raise SendError(131009, "button: index must be a number.") from None
            button_params[index] = comp
        else:
            raise SendError(131009, f"unknown component type {kind!r}.")

    view: dict[str, Any] = {"kind": "template", "template": tpl["name"], "header": None, "footer": None, "buttons": []}
    header = component(tpl, "HEADER")
    if header is None:
        if sent["header"]:
            raise SendError(132000, "header: the template has no header but header parameters were sent.")
    elif header["format"] == "TEXT":
        expected = placeholders(header.get("text"))
        _check_params("header", expected, sent["header"], fmt)
        view["header"] = {"type": "text", "text": _fill(header.get("text", ""), expected, sent["header"], fmt)}
    else:
        media_kind = header["format"].lower()
        if len(sent["header"]) != 1:
            raise SendError(
                132012,
                f"header: the template has a {header['format']} header; send exactly one {media_kind} parameter.",
            )
        param = sent["header"][0]
        if param.get("type") != media_kind or not isinstance(param.get(media_kind), dict):
            raise SendError(132012, f"header: expected a {media_kind} parameter, received {param.get('type')!r}.")
        media = param[media_kind]
        if not (media.get("link") or media.get("id")):
            raise SendError(131008, f"header: the {media_kind} needs a link or an id.")
        view["header"] = {
            "type": media_kind,
            "link": media.get("link"),
            "id": media.get("id"),
            "filename": media.get("filename") or f"{tpl['name']}.pdf",
        }

    body = component(tpl, "BODY") or {"text": ""}
    expected = placeholders(body.get("text"))
    _check_params("body", expected, sent["body"], fmt)
    view["body"] = _fill(body.get("text", ""), expected, sent["body"], fmt)
    footer = component(tpl, "FOOTER")
    if footer:
        view["footer"] = footer.get("text")
    buttons_comp = component(tpl, "BUTTONS")
    buttons = buttons_comp.get("buttons", []) if buttons_comp else []
    for index in button_params:
        if not 0 <= index < len(buttons):
            raise SendError(131009, f"button: index {index} does not exist in the template.")
    for index, button in enumerate(buttons):
        kind = str(button.get("type", "")).upper()
        entry = {"type": kind.lower(), "text": button.get("text", "")}
        comp = button_params.get(index)
        if kind == "QUICK_REPLY":
            payload = button.get("text", "")
            if comp:
                if comp.get("sub_type") != "quick_reply":
                    raise SendError(132012, f"button {index}: the template button is a quick reply.")
                params = comp.get("parameters") or []
                if params and params[0].get("type") == "payload":
                    payload = str(params[0].get("payload", ""))
            entry["payload"] = payload
        elif kind == "URL":
            url = button.get("url", "")
            if comp and comp.get("parameters"):
                url = PLACEHOLDER.sub(_param_text(comp["parameters"][0]), url)
            entry["url"] = url
        view["buttons"].append(entry)
    return view


def paginate(
    items: list[dict[str, Any]], limit: int, after: int | None, before: int | None
) -> tuple[list[dict[str, Any]], int, int]:
    """A page of `items` like Graph's cursor paging: returns (page, start index, end index)."""
    if before is not None:
        end = max(0, min(before, len(items)))
        start = max(0, end - limit)
    else:
        start = max(0, after or 0)
        end = min(len(items), start + limit)
    return items[start:end], start, end
