"""Lookups several kinds share, made once per chunk rather than once per row."""

from triplec.core.identifiers import InvalidIdentifier
from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.taxpayers.models import Taxpayer

from .base import Row, RowRejected


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
