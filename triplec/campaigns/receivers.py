"""What campaigns do when a lower app announces a change."""

from django.dispatch import receiver

from triplec.offices.services import calendar_changed

from .services import office_campaigns_replan


@receiver(calendar_changed, dispatch_uid="campaigns_replan_on_calendar")
def replan_on_calendar_change(sender, office, **kwargs) -> None:
    """New office hours or holidays move the queued messages of running campaigns at once."""
    office_campaigns_replan(office=office)
