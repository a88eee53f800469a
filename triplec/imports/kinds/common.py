"""What several kinds share: the columns that mean the same in each (one spelling, one set of other names, one
help text; a kind varies them with `dataclasses.replace`), and lookups made once per chunk rather than per row."""

from django.utils.translation import gettext_lazy as _

from triplec.core.identifiers import InvalidIdentifier
from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.taxpayers.models import Taxpayer

from .base import Column, Row, RowRejected

OFFICE_CODE = Column("office_code", ("kode_kpp", "kpp", "kantor"), True, _("3-digit KPP code, e.g. 922"))
NPWP = Column("npwp", ("npwp15", "npwp16", "nomor_npwp", "no_npwp"), True, _("taxpayer's NPWP"), "identifier")
DOCUMENT_NUMBER = Column(
    "document_number",
    ("no_ketetapan", "nomor_ketetapan", "nomor_dokumen", "nomor_skp"),
    True,
    _("the number printed on the document"),
)
KAP = Column("kap", ("kode_akun_pajak", "kode_map", "map"), True, _("6 digits, e.g. 411125"))
KJS = Column("kjs", ("kode_jenis_setoran", "kode_setoran"), True, _("3 digits, e.g. 300"))


def npwp16_of(row: Row, column: str = "npwp") -> str:
    try:
        npwp = values.npwp(row.cells.get(column))
    except InvalidIdentifier as exc:
        raise RowRejected(column, exc.args[0]) from None
    if npwp.warning:
        row.warn(column, npwp.warning)
    return npwp.npwp16


# The one answer for an NPWP the importing office does not have, whether or not another office has it.
UNKNOWN_NPWP = Phrase("no taxpayer with this NPWP; import the taxpayers first")


def taxpayers_by_npwp(npwp16s) -> dict[str, tuple[int, int]]:
    """npwp16 -> (taxpayer id, office id)."""
    return {
        n: (i, o)
        for i, n, o in Taxpayer.objects.filter(npwp16__in=set(npwp16s)).values_list("id", "npwp16", "office_id")
    }
