"""The fixed set of intents a message is classified into (meanings in docs/bot-understanding.md)."""

INTENTS: tuple[str, ...] = (
    "rincian",
    "kode_billing",
    "sudah_bayar",
    "angsuran",
    "keberatan",
    "petugas",
    "berhenti",
    "mulai",
    "pengaduan",
    "salah_nomor",
    "penipuan_khawatir",
    "lapor_penipuan",
    "salam",
    "terima_kasih",
    "lainnya",
)
