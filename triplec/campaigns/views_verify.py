"""The public verification page of a letter (no login): see verify.py."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from triplec.audit.services import audit_record
from triplec.core.masking import mask_npwp
from triplec.core.phrases import Phrase

from .models import Target
from .verify import public_id_from_token, too_many


@never_cache
def verify_letter(request, token: str):
    if too_many(request.META.get("REMOTE_ADDR", "")):
        response = render(request, "campaigns/verify.html", {"found": False, "limited": True}, status=429)
    else:
        public_id = public_id_from_token(token)
        target = None
        if public_id:
            target = (
                Target.objects.select_related("letter", "taxpayer", "campaign__office")
                .filter(public_id=public_id, messaged=True, letter__isnull=False)
                .first()
            )
        if target is None:
            response = render(request, "campaigns/verify.html", {"found": False}, status=404)
        else:
            summary = Phrase("authenticity of Surat Teguran %(number)s checked", number=target.letter.number)
            audit_record(
                action="letter.verify", obj=target.letter, taxpayer=target.taxpayer, channel="public", summary=summary
            )
            response = render(
                request,
                "campaigns/verify.html",
                {
                    "found": True,
                    "number": target.letter.number,
                    "npwp": mask_npwp(target.taxpayer.npwp16),
                    "office_name": target.campaign.office.name,
                },
            )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
