"""Real places of Kota Kupang and Kabupaten Kupang, for addresses that look like the office's own mail.

Kelurahan/desa names are real; the region codes are the NIK prefixes (province 53 NTT, 71 Kota Kupang,
01 Kabupaten Kupang), with a kecamatan number stdnum accepts.
"""

# (city, NIK region prefix, kecamatan, [kelurahan or desa], postal code)
KOTA = "Kota Kupang"
KABUPATEN = "Kabupaten Kupang"

PLACES: list[tuple[str, str, str, list[str], str]] = [
    (
        KOTA,
        "537101",
        "Alak",
        [
            "Alak",
            "Batuplat",
            "Fatufeto",
            "Manulai II",
            "Manutapen",
            "Mantasi",
            "Namosain",
            "Nunbaun Delha",
            "Nunbaun Sabu",
            "Nunhila",
            "Penkase Oeleta",
            "Naioni",
        ],
        "85231",
    ),
    (
        KOTA,
        "537102",
        "Maulafa",
        ["Belo", "Fatukoa", "Kolhua", "Maulafa", "Naikolan", "Naimata", "Oepura", "Penfui", "Sikumana"],
        "85148",
    ),
    (
        KOTA,
        "537103",
        "Oebobo",
        ["Fatululi", "Kayu Putih", "Liliba", "Oebobo", "Oebufu", "Oetete", "Tuak Daun Merah"],
        "85111",
    ),
    (KOTA, "537104", "Kelapa Lima", ["Kelapa Lima", "Lasiana", "Oesapa", "Oesapa Barat", "Oesapa Selatan"], "85228"),
    (
        KOTA,
        "537105",
        "Kota Raja",
        ["Airnona", "Bakunase", "Bakunase II", "Kuanino", "Naikoten I", "Naikoten II", "Nunleu"],
        "85119",
    ),
    (
        KOTA,
        "537106",
        "Kota Lama",
        [
            "Air Mata",
            "Bonipoi",
            "Fontein",
            "LLBK",
            "Merdeka",
            "Nefonaek",
            "Oeba",
            "Pasir Panjang",
            "Solor",
            "Tode Kisar",
        ],
        "85112",
    ),
    (KABUPATEN, "530105", "Kupang Tengah", ["Tarus", "Noelbaki", "Oelpuah", "Penfui Timur", "Mata Air"], "85361"),
    (KABUPATEN, "530106", "Kupang Timur", ["Oesao", "Babau", "Naibonat", "Oefeto", "Tuatuka"], "85362"),
    (KABUPATEN, "530104", "Kupang Barat", ["Tablolong", "Bolok", "Oenesu", "Kuanheun"], "85351"),
    (KABUPATEN, "530114", "Taebenu", ["Baumata", "Oeltua", "Kuaklalo", "Bokong"], "85361"),
    (KABUPATEN, "530101", "Semau", ["Uitao", "Batuinan", "Hansisi"], "85351"),
    (KABUPATEN, "530107", "Fatuleu", ["Camplong I", "Camplong II", "Oebola"], "85363"),
]

STREETS = [
    "Jl. El Tari",
    "Jl. Frans Seda",
    "Jl. W.J. Lalamentik",
    "Jl. Soeharto",
    "Jl. Timor Raya",
    "Jl. Adisucipto",
    "Jl. Cak Doko",
    "Jl. Sumba",
    "Jl. Herewila",
    "Jl. Piet A. Tallo",
    "Jl. Perintis Kemerdekaan",
    "Jl. Jend. Sudirman",
    "Jl. Ahmad Yani",
    "Jl. Kejora",
    "Jl. Amabi",
    "Jl. Nangka",
    "Jl. Flamboyan",
    "Jl. Matani",
    "Jl. Kelimutu",
    "Jl. Palapa",
    "Jl. R.A. Kartini",
    "Jl. Bundaran PU",
    "Jl. Samratulangi",
    "Jl. Suratim",
    "Jl. Thamrin",
]

# Mobile prefixes by operator (Telkomsel, Indosat, XL), as a taxpayer in NTT is likely to have.
MOBILE_PREFIXES = [
    "811",
    "812",
    "813",
    "821",
    "822",
    "823",
    "852",
    "853",
    "851",  # Telkomsel
    "814",
    "815",
    "816",
    "855",
    "856",
    "857",
    "858",  # Indosat
    "817",
    "818",
    "819",
    "859",
    "877",
    "878",
]  # XL
BANKS = ["BRI", "BNI", "Bank Mandiri", "Bank NTT", "BTN", "BCA", "Pos Indonesia", "BSI"]
