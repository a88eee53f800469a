import zoneinfo

from django.utils import timezone


class OfficeTimezoneMiddleware:
    """Show times in the user's office time zone (WITA for Kupang); storage stays UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        office = getattr(user, "office", None) if user is not None and user.is_authenticated else None
        if office is not None:
            timezone.activate(zoneinfo.ZoneInfo(office.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
