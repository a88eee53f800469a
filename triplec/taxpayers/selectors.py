"""Reads about taxpayers, always through the user's scope: staff see their own office, administrators all."""

from django.db.models import Count, Q, QuerySet

from triplec.core.identifiers import search_digits

from .models import Contact, Taxpayer


def visible_taxpayers(user) -> QuerySet[Taxpayer]:
    qs = Taxpayer.objects.all()
    if getattr(user, "is_administrator", False):
        return qs
    if not getattr(user, "is_authenticated", False) or user.office_id is None:
        return qs.none()
    return qs.filter(office_id=user.office_id)


def scoped_to_user(qs: QuerySet, user, office_field: str = "office") -> QuerySet:
    """The same office rule for any model that has an office (documents, letters, payments)."""
    if getattr(user, "is_administrator", False):
        return qs
    if not getattr(user, "is_authenticated", False) or user.office_id is None:
        return qs.none()
    return qs.filter(**{f"{office_field}_id": user.office_id})


def search_taxpayers(user, query: str) -> QuerySet[Taxpayer]:
    """By NPWP in any layout (15 or 16 digits, dotted or not), NIK, name, or WhatsApp number."""
    qs = visible_taxpayers(user).select_related("office", "contact")
    query = (query or "").strip()
    if not query:
        return qs
    digits = search_digits(query)
    condition = Q(name__icontains=query)
    if digits.isdigit() and len(digits) >= 6:
        condition |= Q(npwp16__contains=digits) | Q(npwp15__contains=digits) | Q(nik__contains=digits)
        phone_digits = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        condition |= Q(contact__phone__contains=phone_digits)
    return qs.filter(condition)


def shared_numbers(office_id: int | None = None) -> QuerySet:
    """Numbers registered by more than one taxpayer (a consultant, a family): allowed, and shown."""
    qs = Contact.objects.exclude(phone="")
    if office_id is not None:
        qs = qs.filter(taxpayer__office_id=office_id)
    return qs.values("phone").annotate(n=Count("id")).filter(n__gt=1).order_by("-n")


def taxpayers_sharing_number(phone: str) -> QuerySet[Taxpayer]:
    return Taxpayer.objects.filter(contact__phone=phone).select_related("contact")
