"""The bot's menu, quick-reply buttons and their payloads: defined once, used by the classifier and the answers.

Taxpayers type a digit from the numbered fallback menu, tap a reply button (we get its id back as the payload and
its title as the text), or pick a list row. All three must land on the same intent, so they are declared here
together. Titles are Indonesian (they are shown to taxpayers) and respect WhatsApp's limits: button titles
<= 20 characters, list row titles <= 24.
"""

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class MenuItem:
    number: int
    intent: str
    title: str  # button / list-row title, <= 20 characters
    description: str  # list-row description, <= 72 characters

    @property
    def payload(self) -> str:
        """The reply-button / list-row id we send; WhatsApp echoes it back as the payload."""
        return f"menu:{self.intent}"


MAIN_MENU: tuple[MenuItem, ...] = (
    MenuItem(1, "rincian", "Rincian tagihan", "Dari mana asal tunggakan pajak Anda"),
    MenuItem(2, "kode_billing", "Minta kode billing", "Kode pembayaran untuk melunasi tagihan"),
    MenuItem(3, "sudah_bayar", "Sudah bayar", "Kirim NTPN agar pembayaran dicek"),
    MenuItem(4, "angsuran", "Angsuran/penundaan", "Cara mengajukan angsuran atau penundaan"),
    MenuItem(5, "keberatan", "Keberatan/koreksi", "Tagihan keliru, keberatan, pengurangan sanksi"),
    MenuItem(6, "petugas", "Hubungi petugas", "Bicara dengan petugas KPP"),
    MenuItem(7, "pengaduan", "Pengaduan", "Saluran pengaduan resmi DJP"),
)

# Buttons that are not in the numbered menu but appear on other messages (opt-out/opt-in, wrong number).
EXTRA_BUTTONS: tuple[tuple[str, str], ...] = (
    ("berhenti", "Berhenti"),
    ("mulai", "Mulai lagi"),
    ("salah_nomor", "Bukan nomor saya"),
    ("salam", "Menu"),
    ("terima_kasih", "Terima kasih"),
    ("penipuan_khawatir", "Cek keaslian pesan"),
    ("lapor_penipuan", "Lapor penipuan"),
)


def menu_intent(number: int, menu: list[str] | None = None) -> str | None:
    """The intent behind a typed digit: position in `menu` (the options last shown) or in the main menu."""
    if menu is not None:
        return menu[number - 1] if 1 <= number <= len(menu) else None
    for item in MAIN_MENU:
        if item.number == number:
            return item.intent
    return None


@cache
def button_titles() -> dict[str, str]:
    """Every button/list title we send, lower-cased, mapped to its intent."""
    titles = {item.title.lower(): item.intent for item in MAIN_MENU}
    titles.update({title.lower(): intent for intent, title in EXTRA_BUTTONS})
    return titles


def menu_text() -> str:
    """The numbered fallback shown when buttons or lists are unavailable."""
    lines = ["Silakan balas dengan angka:"]
    lines += [f"{item.number}. {item.title}" for item in MAIN_MENU]
    lines.append("Ketik STOP untuk berhenti menerima pesan.")
    return "\n".join(lines)
