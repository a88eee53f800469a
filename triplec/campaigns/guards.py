"""The checks every campaign write makes first: the error it raises, who may act, the campaign's row lock, the
approval and the template. The writes themselves are in services.py (and resend.py for resending)."""

from triplec.accounts.permissions import allowed
from triplec.messaging.models import TemplateStatus

from .models import Campaign, CampaignState


class CampaignError(Exception):
    """A campaign action that is not allowed; `code` is stable for API clients, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def lock_campaign(campaign: Campaign, *related: str) -> Campaign:
    """The campaign's row, locked for the rest of the transaction (only its own row: not the related ones)."""
    rows = Campaign.objects.select_for_update(of=("self",))
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=campaign.pk)


def require_staff(actor, office) -> None:
    """Making a campaign (create, edit, submit): collection staff and section heads of the office."""
    _require(actor, office, "campaign.edit", "Hanya staf penagihan dan Kepala Seksi yang dapat menyusun kampanye.")


def require_runner(actor, office) -> None:
    """Start, pause, resume, cancel: the section-head level (accounts/permissions.py). `actor=None` is the
    scheduler starting an approved campaign at its scheduled time: the approval is the order."""
    if actor is None:
        return
    _require(
        actor,
        office,
        "campaign.run",
        "Hanya Kepala Seksi yang dapat memulai, menjeda, melanjutkan, atau membatalkan kampanye.",
    )


def _require(actor, office, action: str, refusal: str) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise CampaignError("forbidden", "Anda harus masuk terlebih dahulu.")
    if not allowed(actor, action):
        raise CampaignError("forbidden", refusal)
    if not actor.is_administrator and actor.office_id != office.pk:
        raise CampaignError("forbidden", "Kampanye hanya untuk kantor Anda sendiri.")


def require_approved(campaign: Campaign) -> None:
    """The one gate before anything is queued: approved by a section head other than the maker, unchanged since."""
    if campaign.state not in (CampaignState.APPROVED, CampaignState.RUNNING, CampaignState.PAUSED):
        raise CampaignError("not_approved", "Kampanye belum disetujui Kepala Seksi.")
    if not campaign.approval_valid or campaign.approver_id == campaign.maker_id:
        raise CampaignError("not_approved", "Kampanye berubah setelah disetujui: perlu persetujuan ulang.")


def approved_template(campaign: Campaign):
    """The campaign's template, which WhatsApp must have approved before anything of it is queued."""
    template = campaign.template
    if template is None or template.status != TemplateStatus.APPROVED:
        raise CampaignError("template_not_approved", "Template pesan belum disetujui WhatsApp.")
    return template
