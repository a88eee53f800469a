"""Who may act on a campaign, and the error every campaign action raises (services.py and resend.py use both)."""

from triplec.accounts.permissions import allowed


class CampaignError(Exception):
    """A campaign action that is not allowed; `code` is stable for API clients, the message is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def require_staff(actor, office) -> None:
    """Making a campaign (create, edit, submit): collection staff and section heads of the office."""
    _require(actor, office, "campaign.edit", "Hanya staf penagihan dan Kepala Seksi yang dapat menyusun kampanye.")


def require_runner(actor, office) -> None:
    """Start, pause, resume, cancel, resend: the section-head level (accounts/permissions.py). `actor=None` is the
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
