"""What several kinds share: the other names of every column (one column name, one set of other names, whichever
kind the file is), the columns that mean the same in each (one help text too; a kind varies them with
`dataclasses.replace`), and lookups made once per chunk rather than per row."""

from django.utils.translation import gettext_lazy as _

from triplec.core.identifiers import InvalidIdentifier
from triplec.core.phrases import Phrase
from triplec.imports import values
from triplec.taxpayers.models import Taxpayer

from .base import Column, Row, RowRejected

# The other names a file may give each column, space-separated; the first is the column's header in an office's
# file (Column.header).
OTHER_NAMES = {
    # several kinds
    "office_code": "kode_kpp kpp kantor",
    "npwp": "npwp15 npwp16 nomor_npwp no_npwp",
    "document_number": "no_ketetapan nomor_ketetapan nomor_dokumen nomor_skp",
    "kap": "kode_akun_pajak kode_map map",
    "kjs": "kode_jenis_setoran kode_setoran",
    # taxpayers
    "nik": "no_ktp nomor_ktp nomor_nik no_nik",
    "nitku": "no_nitku nomor_nitku",
    "name": "nama nama_wp nama_wajib_pajak",
    "taxpayer_type": "jenis_wp jenis_wajib_pajak tipe_wp type",
    "address": "alamat",
    "city": "kota kabupaten_kota kota_kabupaten",
    "whatsapp": "nomor_wa no_wa wa nomor_whatsapp no_hp nomor_hp hp",
    "whatsapp_source": "sumber_wa sumber_nomor sumber",
    "whatsapp_verified_at": "tanggal_verifikasi_wa verifikasi_wa wa_diverifikasi tanggal_verifikasi",
    "ar_username": "ar username_ar account_representative nama_pengguna_ar",
    # debts
    "document_type": "jenis_ketetapan jenis_dokumen jenis_skp",
    "document_date": "tanggal_ketetapan tgl_ketetapan tanggal_terbit tanggal_dokumen",
    "tax_period_start": "masa_awal masa_pajak_awal awal_masa",
    "tax_period_end": "masa_akhir masa_pajak_akhir akhir_masa",
    "tax_year": "tahun_pajak tahun",
    "principal": "pokok jumlah_pokok pokok_pajak",
    "sanctions": "sanksi jumlah_sanksi denda",
    "amount_due": "jumlah sisa sisa_tagihan jumlah_terutang jumlah_tagihan",
    "due_date": "jatuh_tempo tanggal_jatuh_tempo tgl_jatuh_tempo",
    "state": "status keadaan",
    "state_reason": "alasan alasan_status keterangan_status",
    # letters
    "letter_number": "nomor_surat no_surat nomor_teguran nomor_st no_st",
    "letter_date": "tanggal_surat tgl_surat tanggal_teguran tanggal_st",
    "delivered_date": "tanggal_terima tanggal_diterima tgl_terima tanggal_sampai",
    "document_numbers": "nomor_ketetapan no_ketetapan daftar_ketetapan dokumen",
    # payments
    "ntpn": "nomor_ntpn no_ntpn",
    "billing_code": "kode_billing id_billing nomor_billing",
    "amount": "jumlah jumlah_bayar jumlah_setor nominal",
    "paid_at": "tanggal_bayar waktu_bayar tanggal_setor tgl_bayar",
    "bank": "bank_persepsi nama_bank",
    "cleared": "sudah_clear nihil",
}


def required(name: str, *, help: str, mask: str = "") -> Column:
    """A column every file of the kind has, with its other names from OTHER_NAMES."""
    return Column(name, tuple(OTHER_NAMES[name].split()), True, help, mask)


def optional(name: str, *, help: str, mask: str = "") -> Column:
    """A column a file of the kind may leave out, with its other names from OTHER_NAMES."""
    return Column(name, tuple(OTHER_NAMES[name].split()), False, help, mask)


DATE_HELP = _("date: 2026-03-15, 15/03/2026 or 15 Maret 2026")
OFFICE_CODE = required("office_code", help=_("3-digit KPP code, e.g. 922"))
NPWP = required("npwp", help=_("taxpayer's NPWP"), mask="identifier")
DOCUMENT_NUMBER = required("document_number", help=_("the number printed on the document"))
KAP = required("kap", help=_("6 digits, e.g. 411125"))
KJS = required("kjs", help=_("3 digits, e.g. 300"))


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
