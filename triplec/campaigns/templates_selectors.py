"""Reads of the message-template page: each office's current templates with Meta's view of them, and the
campaigns that use each one."""

from collections import defaultdict

from django.db.models import QuerySet

from triplec.messaging.models import Template, TemplateStatus

from .models import Campaign


def visible_templates(user) -> QuerySet[Template]:
    """The current version of every template of the user's office channel (administrators without an office:
    every office's)."""
    qs = Template.objects.filter(is_current=True).select_related("channel__office").order_by("name", "language")
    if user.is_administrator and user.office_id is None:
        return qs
    return qs.filter(channel__office_id=user.office_id)


def templates_page(user) -> list[dict]:
    """Rows of the template page: the template and the campaigns using any version of it (newest first)."""
    templates = list(visible_templates(user))
    keys = {(t.channel_id, t.name, t.language): t for t in templates}
    using: dict[int, list[Campaign]] = defaultdict(list)
    campaigns = (
        Campaign.objects.filter(template__channel_id__in={t.channel_id for t in templates})
        .select_related("template")
        .only(
            "pk", "name", "state", "template__channel_id", "template__name", "template__language", "template__version"
        )
        .order_by("-created_at")
    )
    for campaign in campaigns:
        t = campaign.template
        current = keys.get((t.channel_id, t.name, t.language))
        if current is not None:
            using[current.pk].append(campaign)
    return [
        {"template": t, "campaigns": using.get(t.pk, []), "approved": t.status == TemplateStatus.APPROVED}
        for t in templates
    ]


def template_blocker(campaign: Campaign) -> Template | None:
    """The campaign's template when WhatsApp has not approved it (the campaign cannot start), else None."""
    template = campaign.template
    if template is None or template.status == TemplateStatus.APPROVED:
        return None
    return template
