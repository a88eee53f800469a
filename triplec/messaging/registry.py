"""The template registry: render a template as the phone shows it, build its send components, sync it from the
WABA, submit it, and follow Meta's status and category webhooks. Each change of content is a new version row."""

import logging
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Channel, Template, TemplateQuality, TemplateStatus
from .providers import provider_for
from .providers.base import ProviderError

log = logging.getLogger(__name__)

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*|\d+)\s*\}\}")
CONTENT_FIELDS = ("parameter_format", "header_type", "header_text", "body", "footer", "buttons")


class TemplateParamsError(ValueError):
    """The parameters do not fit the template; the message says which and why."""


def placeholders(text: str) -> list[str]:
    """Placeholder names in order of first appearance ("1", "2" or "debt_amount")."""
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


def _split_params(template: Template, params: Any) -> tuple[Any, Any]:
    """(header params, body params) in the template's own format, checked for count and format."""
    header_names = placeholders(template.header_text) if template.header_type == "TEXT" else []
    body_names = placeholders(template.body)
    if template.parameter_format == "NAMED":
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise TemplateParamsError(
                f"template {template.name} uses named parameters: give a dict, not {type(params).__name__}"
            )
        missing = [n for n in header_names + body_names if n not in params]
        extra = [n for n in params if n not in header_names + body_names]
        if missing or extra:
            raise TemplateParamsError(
                _("template %(name)s: missing parameters %(missing)s, unknown parameters %(extra)s")
                % {"name": template.name, "missing": ", ".join(missing) or "—", "extra": ", ".join(extra) or "—"}
            )
        return {n: str(params[n]) for n in header_names}, {n: str(params[n]) for n in body_names}
    if isinstance(params, dict) and set(params) <= {"header", "body"}:
        header, body = list(params.get("header") or []), list(params.get("body") or [])
    elif isinstance(params, (list, tuple)) or params is None:
        header, body = [], list(params or [])
    else:
        raise TemplateParamsError(f"template {template.name} uses positional parameters: give a list")
    if len(header) != len(header_names) or len(body) != len(body_names):
        raise TemplateParamsError(
            _(
                "template %(name)s needs %(header)s header and %(body)s body parameters, got %(got_header)s and %(got_body)s"
            )
            % {
                "name": template.name,
                "header": len(header_names),
                "body": len(body_names),
                "got_header": len(header),
                "got_body": len(body),
            }
        )
    return dict(zip(header_names, map(str, header))), dict(zip(body_names, map(str, body)))


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def render_template_parts(template: Template, params: Any = None) -> dict[str, Any]:
    header, body = _split_params(template, params)
    return {
        "header": _fill(template.header_text, header) if template.header_type == "TEXT" else "",
        "body": _fill(template.body, body),
        "footer": template.footer,
        "buttons": [b.get("text", "") for b in template.buttons],
    }


def render_template(template: Template, params: Any = None) -> str:
    """The text the taxpayer's phone shows: header, body and footer, each separated by a blank line (buttons are
    shown under the bubble, not in the text)."""
    parts = render_template_parts(template, params)
    return "\n\n".join(p for p in (parts["header"], parts["body"], parts["footer"]) if p)


def template_send_body(
    template: Template, params: Any = None, *, document: dict | None = None, button_payloads: list[str] | None = None
) -> dict:
    """The `template` part of a send request (whatsapp-cloud-api.md §1a)."""
    header, body = _split_params(template, params)
    named = template.parameter_format == "NAMED"

    def param(name: str, value: str) -> dict:
        return {"type": "text", "text": value, **({"parameter_name": name} if named else {})}

    components: list[dict] = []
    if template.header_type == "DOCUMENT":
        if not document or not (document.get("link") or document.get("id")):
            raise TemplateParamsError(
                f"template {template.name} has a document header: give document={{link, filename}}"
            )
        components.append({"type": "header", "parameters": [{"type": "document", "document": document}]})
    elif header:
        components.append({"type": "header", "parameters": [param(n, v) for n, v in header.items()]})
    if body:
        components.append({"type": "body", "parameters": [param(n, v) for n, v in body.items()]})
    for index, payload in enumerate(button_payloads or []):
        if index >= len(template.buttons):
            raise TemplateParamsError(f"template {template.name} has only {len(template.buttons)} buttons")
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    data: dict[str, Any] = {"name": template.name, "language": {"policy": "deterministic", "code": template.language}}
    if components:
        data["components"] = components
    return {"type": "template", "template": data}


# --- Meta's JSON <-> our rows -------------------------------------------------------------------------------
def from_meta(data: dict) -> dict[str, Any]:
    """Our fields from a Meta template object (GET /message_templates)."""
    fields: dict[str, Any] = {
        "name": data["name"],
        "language": data.get("language", "id"),
        "meta_id": str(data.get("id", "")),
        "category": (data.get("category") or "UTILITY").upper(),
        "parameter_format": (data.get("parameter_format") or "POSITIONAL").upper(),
        "status": _status(data.get("status")),
        "header_type": "NONE",
        "header_text": "",
        "body": "",
        "footer": "",
        "buttons": [],
    }
    quality = str((data.get("quality_score") or {}).get("score") or "").upper()
    if quality in TemplateQuality.values:
        fields["quality_rating"] = quality
    rejected = str(data.get("rejected_reason") or "")
    if rejected and rejected.upper() != "NONE":
        fields["status_reason"] = rejected[:300]
    for component in data.get("components", []):
        kind = (component.get("type") or "").upper()
        if kind == "HEADER":
            fmt = (component.get("format") or "TEXT").upper()
            fields["header_type"] = fmt if fmt in {"TEXT", "DOCUMENT"} else "NONE"
            fields["header_text"] = component.get("text", "") if fmt == "TEXT" else ""
        elif kind == "BODY":
            fields["body"] = component.get("text", "")
        elif kind == "FOOTER":
            fields["footer"] = component.get("text", "")
        elif kind == "BUTTONS":
            fields["buttons"] = [
                {"type": b.get("type", "QUICK_REPLY"), "text": b.get("text", "")} for b in component.get("buttons", [])
            ]
    return fields


def to_meta(template: Template) -> dict:
    """The creation request for POST /{waba}/message_templates, with examples Meta requires for review."""
    named = template.parameter_format == "NAMED"
    components: list[dict] = []
    if template.header_type == "TEXT":
        header: dict[str, Any] = {"type": "HEADER", "format": "TEXT", "text": template.header_text}
        names = placeholders(template.header_text)
        if names:
            header["example"] = (
                {"header_text_named_params": [{"param_name": n, "example": n} for n in names]}
                if named
                else {"header_text": [f"contoh {n}" for n in names]}
            )
        components.append(header)
    elif template.header_type == "DOCUMENT":
        components.append({"type": "HEADER", "format": "DOCUMENT"})
    body: dict[str, Any] = {"type": "BODY", "text": template.body}
    names = placeholders(template.body)
    if names:
        body["example"] = (
            {"body_text_named_params": [{"param_name": n, "example": f"contoh {n}"} for n in names]}
            if named
            else {"body_text": [[f"contoh {n}" for n in names]]}
        )
    components.append(body)
    if template.footer:
        components.append({"type": "FOOTER", "text": template.footer})
    if template.buttons:
        components.append(
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": b["text"]} for b in template.buttons]}
        )
    return {
        "name": template.name,
        "language": template.language,
        "category": template.category,
        "parameter_format": template.parameter_format,
        "components": components,
    }


def _status(value: str | None) -> str:
    value = (value or "PENDING").upper()
    if value in TemplateStatus.values:
        return value
    return {
        "IN_APPEAL": "PENDING",
        "PENDING_DELETION": "DISABLED",
        "DELETED": "DISABLED",
        "FLAGGED": "PAUSED",
        "LIMIT_EXCEEDED": "PAUSED",
        "ARCHIVED": "DISABLED",
    }.get(value, "PENDING")


# --- writes -------------------------------------------------------------------------------------------------
@transaction.atomic
def template_save(*, channel: Channel, name: str, language: str = "id", **fields: Any) -> tuple[Template, bool]:
    """Create or update a template. A change of content makes a new version (returns (row, new_version));
    status, category and Meta id are updated in place on the current version."""
    current = (
        Template.objects.select_for_update()
        .filter(channel=channel, name=name, language=language, is_current=True)
        .first()
    )
    if current is None:
        return Template.objects.create(channel=channel, name=name, language=language, version=1, **fields), True
    content_changed = any(k in fields and getattr(current, k) != fields[k] for k in CONTENT_FIELDS)
    if content_changed:
        current.is_current = False
        current.save(update_fields=["is_current"])
        carried = {k: getattr(current, k) for k in ("meta_id", "category", "status", *CONTENT_FIELDS)}
        carried.update(fields)
        return Template.objects.create(
            channel=channel, name=name, language=language, version=current.version + 1, **carried
        ), True
    changed = [k for k, v in fields.items() if getattr(current, k) != v]
    for k in changed:
        setattr(current, k, fields[k])
    if changed:
        current.save(update_fields=[*changed, "updated_at"])
    return current, False


def templates_sync(*, channel: Channel) -> dict[str, int]:
    """Pull every template of the channel's WABA into the registry."""
    counts = {"seen": 0, "new_versions": 0}
    for data in provider_for(channel).list_templates():
        fields = from_meta(data)
        name, language = fields.pop("name"), fields.pop("language")
        _row, new = template_save(channel=channel, name=name, language=language, **fields)
        counts["seen"] += 1
        counts["new_versions"] += int(new)
    return counts


def template_submit(*, template: Template) -> Template:
    """Send a template to Meta for review; its status follows from the response and later webhooks.

    A template Meta already has (its id known, or found under the same name and language) is edited instead:
    Meta reviews the edit as it reviews a new one (status PENDING until approved or rejected)."""
    provider = provider_for(template.channel)
    definition = to_meta(template)
    data: dict[str, Any]
    if not template.meta_id:
        try:
            data = provider.create_template(definition)
        except ProviderError as exc:
            existing = _existing_meta_id(provider, template) if exc.code == 100 else ""
            if not existing:
                raise
            template.meta_id = existing
    if template.meta_id:
        provider.edit_template(template.meta_id, definition)
        data = {"id": template.meta_id, "status": "PENDING"}
    template.meta_id = str(data.get("id", template.meta_id))
    template.status = _status(data.get("status"))
    template.status_reason = ""
    if data.get("category"):
        template.category = data["category"].upper()
    template.save(update_fields=["meta_id", "status", "status_reason", "category", "updated_at"])
    return template


def _existing_meta_id(provider, template: Template) -> str:
    for data in provider.list_templates():
        if data.get("name") == template.name and data.get("language", "id") == template.language:
            return str(data.get("id", ""))
    return ""


def template_sync_one(*, template: Template) -> Template:
    """Meta's current status, quality and reason of one template (and its content: a change is a new version)."""
    for data in provider_for(template.channel).list_templates():
        if data.get("name") == template.name and data.get("language", "id") == template.language:
            fields = from_meta(data)
            fields.pop("name"), fields.pop("language")
            template, _new = template_save(
                channel=template.channel, name=template.name, language=template.language, **fields
            )
            return template
    return template


@transaction.atomic
def template_new_version(*, template: Template, content: dict[str, Any] | None = None) -> Template:
    """The next version of a template, to be reviewed again (status PENDING, no reason): with `content` (our
    current text of it), or the same content when a rejected or paused template is sent for review once more."""
    current = Template.objects.select_for_update().get(
        channel=template.channel, name=template.name, language=template.language, is_current=True
    )
    fields = {k: getattr(current, k) for k in ("meta_id", "category", *CONTENT_FIELDS)}
    fields.update(content or {})
    current.is_current = False
    current.save(update_fields=["is_current"])
    return Template.objects.create(
        channel=current.channel,
        name=current.name,
        language=current.language,
        version=current.version + 1,
        status=TemplateStatus.PENDING,
        **fields,
    )


def _find_template(channel: Channel | None, value: dict) -> Template | None:
    qs = Template.objects.filter(is_current=True)
    if channel is not None:
        qs = qs.filter(channel=channel)
    meta_id = str(value.get("message_template_id", ""))
    if meta_id:
        found = qs.filter(meta_id=meta_id).first()
        if found:
            return found
    name = value.get("message_template_name")
    if name:
        return qs.filter(name=name, language=value.get("message_template_language", "id")).first()
    return None


def template_status_webhook(*, channel: Channel | None, value: dict) -> Template | None:
    """`message_template_status_update`: APPROVED, REJECTED, PAUSED, DISABLED… with a reason."""
    template = _find_template(channel, value)
    if template is None:
        log.info("status update for unknown template %s", value.get("message_template_name"))
        return None
    template.status = _status(value.get("event"))
    template.status_reason = str(value.get("reason") or "")[:300]
    if template.status_reason.upper() == "NONE":
        template.status_reason = ""
    template.save(update_fields=["status", "status_reason", "updated_at"])
    return template


def template_quality_webhook(*, channel: Channel | None, value: dict) -> Template | None:
    """`message_template_quality_update`: GREEN, YELLOW, RED or UNKNOWN."""
    score = str(value.get("new_quality_score") or "").upper()
    template = _find_template(channel, value)
    if template is None or score not in TemplateQuality.values:
        return None
    template.quality_rating = score
    template.save(update_fields=["quality_rating", "updated_at"])
    return template


def template_category_webhook(*, channel: Channel | None, value: dict) -> Template | None:
    """`template_category_update`: act only on the completed notice (new_category), not the impending one."""
    new = value.get("new_category")
    if not new:
        return None
    template = _find_template(channel, value)
    if template is None:
        return None
    template.category = str(new).upper()
    template.save(update_fields=["category", "updated_at"])
    return template
