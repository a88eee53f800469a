"""Template helpers of the staff console: rupiah, NPWP layout, masking, the navigation and bar charts."""

from django import template

from triplec.core import whatsapp_markup
from triplec.core.identifiers import format_npwp
from triplec.core.masking import mask_nik as mask_nik_digits
from triplec.core.masking import mask_phone
from triplec.core.money import rupiah as _rupiah
from triplec.ledger.kap import kap_label
from triplec.taxpayers.presentation import shown_nik, shown_nitku, shown_npwp

from ..nav import nav_for

register = template.Library()


@register.filter
def rupiah(amount) -> str:
    """Whole rupiah the Indonesian way: Rp1.250.000."""
    if amount is None or amount == "":
        return "-"
    return _rupiah(int(amount))


@register.filter
def npwp(value: str) -> str:
    return format_npwp(value) if value else "-"


@register.filter
def npwp_for(value: str, user) -> str:
    """The NPWP16 as this user may see it: `{{ t.npwp16|npwp_for:user }}` (taxpayers/presentation.py)."""
    return shown_npwp(user, value) if value else "-"


@register.filter
def nik_for(value: str, user) -> str:
    return shown_nik(user, value) if value else "-"


@register.filter
def nitku_for(value: str, user) -> str:
    return shown_nitku(user, value) if value else "-"


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value) if value else "-"


@register.filter
def mask_nik(value: str) -> str:
    """The region code and the last four digits, as much as a role that does not need the NIK may see."""
    return mask_nik_digits(value) if value and len(value) == 16 else (value or "-")


@register.filter
def whatsapp(value: str):
    """A message's text formatted the way the phone shows it (*bold*, _italic_, ~strike~, ```mono```),
    HTML-escaped first."""
    return whatsapp_markup.to_html(value or "")


@register.filter(name="kap_label")
def kap_label_filter(kap: str) -> str:
    return kap_label(kap)


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context) -> dict:
    request = context["request"]
    return {"items": nav_for(request.user, request.path)}


@register.simple_tag
def bar_width(value: int, maximum: int, full: int = 100) -> str:
    """Width of one bar of a server-rendered chart, as a percentage string with one decimal."""
    if not maximum:
        return "0"
    return f"{max(0.0, min(full, value * full / maximum)):.1f}"
