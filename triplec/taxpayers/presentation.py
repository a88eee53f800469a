"""How a taxpayer's identifiers are shown to a member of staff: every page and export goes through here.

A NIK-based NPWP16 *is* the NIK (since 2024 a resident's NPWP is their NIK), and a NITKU is the NPWP16 followed
by a 6-digit place-of-business code. A role that may not see the NIK (`taxpayer.see_nik` in the permission
matrix) therefore sees those masked too. Legacy-derived NPWP16s (a leading 0 and the 15-digit NPWP) carry no
NIK and are shown whole.
"""

from triplec.accounts.permissions import allowed
from triplec.core.identifiers import format_npwp
from triplec.core.masking import mask_nik, mask_nitku


def carries_nik(number: str) -> bool:
    """A 16-digit NPWP, or the first 16 digits of a NITKU, that is a NIK: a NIK starts with a province code
    (11-94); a legacy-derived NPWP16 always starts with 0."""
    return len(number) >= 16 and number[:16].isdigit() and number[0] != "0"


def may_see_nik(user) -> bool:
    return allowed(user, "taxpayer.see_nik")


def shown_nik(user, nik: str) -> str:
    if not nik:
        return ""
    return nik if may_see_nik(user) else mask_nik(nik)


def shown_npwp(user, npwp16: str, *, formatted: bool = True) -> str:
    """The NPWP16 for this user: formatted (or raw digits for an export), a NIK-based one masked when the user's
    roles may not see the NIK."""
    if not npwp16:
        return ""
    if carries_nik(npwp16) and not may_see_nik(user):
        return mask_nik(npwp16)
    return format_npwp(npwp16) if formatted else npwp16


def shown_nitku(user, nitku: str) -> str:
    if not nitku:
        return ""
    if carries_nik(nitku) and not may_see_nik(user):
        return mask_nitku(nitku)
    return nitku
