"""Names of the common tax accounts (Kode Akun Pajak), for charts, lists and exports."""

KAP_NAMES: dict[str, str] = {
    "411121": "PPh Pasal 21",
    "411122": "PPh Pasal 22",
    "411123": "PPh Pasal 22 Impor",
    "411124": "PPh Pasal 23",
    "411125": "PPh Pasal 25/29 OP",
    "411126": "PPh Pasal 25/29 Badan",
    "411127": "PPh Pasal 26",
    "411128": "PPh Final",
    "411129": "PPh Non-Migas Lainnya",
    "411211": "PPN Dalam Negeri",
    "411212": "PPN Impor",
    "411219": "PPN Lainnya",
    "411221": "PPnBM Dalam Negeri",
    "411222": "PPnBM Impor",
    "411611": "Bea Meterai",
}


def kap_name(kap: str) -> str:
    return KAP_NAMES.get(kap, kap)


def kap_label(kap: str) -> str:
    """ "411125 PPh Pasal 25/29 OP", or the bare code when we do not know its name."""
    name = KAP_NAMES.get(kap)
    return f"{kap} {name}" if name else kap
