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


def contacts_of_number(*, office_id: int, wa_id: str = "", user_id: str = "") -> QuerySet[Contact]:
    """The registered contacts of a WhatsApp number or business-scoped user id among one office's taxpayers.

    Every path from a number to a taxpayer goes through here (or `contacts_of_peer`): a number registered in two
    offices is two separate relationships, and the office that owns the channel only ever reaches its own."""
    q = Q(pk__in=[])
    if wa_id:
        q |= Q(phone="+" + wa_id.lstrip("+"))
    if user_id:
        q |= Q(wa_user_id=user_id)
    return Contact.objects.filter(q, taxpayer__office_id=office_id)


def contacts_of_peer(peer, office_id: int) -> QuerySet[Contact]:
    """The contacts linked to a WhatsApp peer, of the given office only (a link made before links were scoped,
    or by hand in the admin, never reaches another office's taxpayer)."""
    return Contact.objects.filter(whatsapp_peers=peer, taxpayer__office_id=office_id)


def shared_numbers(office_id: int | None = None) -> QuerySet:
    """Numbers registered by more than one taxpayer (a consultant, a family): allowed, and shown."""
    qs = Contact.objects.exclude(phone="")
    if office_id is not None:
        qs = qs.filter(taxpayer__office_id=office_id)
    return qs.values("phone").annotate(n=Count("id")).filter(n__gt=1).order_by("-n")


def taxpayers_sharing_number(phone: str) -> QuerySet[Taxpayer]:
    return Taxpayer.objects.filter(contact__phone=phone).select_related("contact")
