"""What every provider returns or raises: the permanent / transient / throttle split drives the dispatcher."""

from dataclasses import dataclass, field

PERMANENT = "permanent"
TRANSIENT = "transient"
THROTTLE = "throttle"

# Code -> (kind, reason for staff in Indonesian). From the contract's error table (whatsapp-cloud-api.md §3b).
ERRORS: dict[int, tuple[str, str]] = {
    0: (PERMANENT, "Autentikasi ke WhatsApp gagal: periksa token akses"),
    190: (PERMANENT, "Token akses WhatsApp kedaluwarsa atau salah: hubungi administrator"),
    3: (PERMANENT, "Akun tidak berhak memakai fitur ini"),
    10: (PERMANENT, "Izin akses WhatsApp ditolak"),
    4: (THROTTLE, "Batas panggilan API aplikasi tercapai: pengiriman diperlambat"),
    80007: (THROTTLE, "Batas panggilan API akun WhatsApp Business tercapai: pengiriman diperlambat"),
    100: (PERMANENT, "Parameter pesan tidak valid"),
    368: (PERMANENT, "Nomor pengirim diblokir sementara karena pelanggaran kebijakan"),
    130429: (THROTTLE, "Batas kecepatan kirim nomor WhatsApp tercapai: pengiriman diperlambat"),
    130472: (PERMANENT, "Penerima sedang dalam kelompok eksperimen pemasaran Meta"),
    131000: (TRANSIENT, "Kesalahan tidak dikenal di WhatsApp: dicoba lagi"),
    131005: (PERMANENT, "Akses ditolak oleh WhatsApp"),
    131008: (PERMANENT, "Parameter wajib tidak ada"),
    131009: (PERMANENT, "Nilai parameter tidak valid"),
    131016: (TRANSIENT, "Layanan WhatsApp sedang tidak tersedia: dicoba lagi"),
    131021: (PERMANENT, "Penerima sama dengan pengirim"),
    131026: (PERMANENT, "Nomor tidak terdaftar di WhatsApp atau pesan tidak dapat diterima"),
    131030: (PERMANENT, "Nomor penerima tidak ada dalam daftar yang diizinkan"),
    131031: (PERMANENT, "Akun WhatsApp Business terkunci"),
    131042: (PERMANENT, "Masalah metode pembayaran akun WhatsApp Business"),
    131047: (PERMANENT, "Di luar jendela 24 jam: hanya template yang boleh dikirim"),
    131048: (THROTTLE, "Terlalu banyak pesan ditandai spam: pengiriman diperlambat"),
    131049: (PERMANENT, "Tidak dikirim oleh Meta demi menjaga keterlibatan pengguna: coba lagi setelah 24 jam"),
    131050: (PERMANENT, "Penerima menolak pesan pemasaran"),
    131051: (PERMANENT, "Jenis pesan tidak didukung"),
    131052: (PERMANENT, "Gagal mengunduh media"),
    131053: (TRANSIENT, "WhatsApp tidak dapat mengambil media pesan (mis. PDF surat)"),
    131056: (THROTTLE, "Terlalu banyak pesan ke nomor yang sama dalam waktu singkat: ditunda"),
    131057: (TRANSIENT, "Akun WhatsApp Business sedang dalam pemeliharaan: dicoba lagi"),
    131063: (PERMANENT, "Template pemasaran dinonaktifkan untuk Cloud API"),
    131064: (PERMANENT, "Batas pesan tercapai karena pelanggaran klasifikasi template"),
    132000: (PERMANENT, "Jumlah parameter template tidak sesuai"),
    132001: (PERMANENT, "Template tidak ada (nama atau bahasa salah)"),
    132005: (PERMANENT, "Teks template terlalu panjang"),
    132007: (PERMANENT, "Isi template melanggar kebijakan"),
    132008: (PERMANENT, "Nilai parameter template tidak valid"),
    132012: (PERMANENT, "Format parameter template tidak sesuai (bernama atau berurutan)"),
    132015: (PERMANENT, "Template dijeda karena kualitas rendah"),
    132016: (PERMANENT, "Template dinonaktifkan karena kualitas rendah"),
    133016: (THROTTLE, "Pendaftaran nomor dibatasi: pengiriman diperlambat"),
}


class ProviderError(Exception):
    """A send that did not succeed. `kind` decides what the dispatcher does; `reason_id` is for staff."""

    def __init__(
        self,
        code: int | None,
        title: str,
        reason_id: str,
        kind: str,
        *,
        http_status: int | None = None,
        ambiguous: bool = False,
    ):
        super().__init__(f"{code}: {title}")
        self.code, self.title, self.reason_id, self.kind = code, title, reason_id, kind
        self.http_status = http_status
        # True when WhatsApp may have accepted the message anyway (timeout, connection lost, 5xx): the
        # dispatcher then resolves it before sending again.
        self.ambiguous = ambiguous

    @property
    def permanent(self) -> bool:
        return self.kind == PERMANENT

    @classmethod
    def from_code(cls, code: int | None, title: str = "", *, http_status: int | None = None) -> "ProviderError":
        if code in ERRORS:
            kind, reason = ERRORS[code]
        elif http_status == 429:
            kind, reason = THROTTLE, "WhatsApp membatasi kecepatan kirim: pengiriman diperlambat"
        elif http_status is not None and http_status >= 500:
            kind, reason = TRANSIENT, f"Gangguan di server WhatsApp (HTTP {http_status}): dicoba lagi"
        elif 200 <= (code or 0) <= 299:
            kind, reason = PERMANENT, "Izin akses WhatsApp ditolak"
        else:
            kind, reason = PERMANENT, f"Ditolak WhatsApp (kode {code}): {title}"[:300]
        return cls(
            code, title, reason, kind, http_status=http_status, ambiguous=http_status is not None and http_status >= 500
        )


@dataclass(slots=True)
class SendResult:
    wamid: str
    wa_id: str = ""
    user_id: str = ""
    message_status: str = "accepted"
    raw: dict = field(default_factory=dict)
