from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _office_calendar_changed(sender, office, **kwargs):
    from .services import replan_office_campaigns

    replan_office_campaigns(office=office)


class CampaignsConfig(AppConfig):
    name = "triplec.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from triplec.offices.services import calendar_changed

        # New office hours or holidays move the queued messages of running campaigns at once.
        calendar_changed.connect(_office_calendar_changed, dispatch_uid="campaigns_replan_on_calendar")
