"""The labelled message files: where they are, how they are read, and which of them the model learns from.

- `labelled.tsv` (`text<TAB>intent`): the tuning set the rules are written against; also training data.
- `written.tsv` (same format): training messages written for the hard kinds (scam reports, complaints about
  officers, delays, wrong-number variants, misleading keywords) in every register; training data, never test data.
- `heldout_blind_2026.csv` ... `heldout_blind_2026d.csv` (`text,intent,register`): sets written blind by writers
  who never saw the rules, in their own intent names (`BLIND_INTENTS` maps them onto ours). Each was first run once
  as a figure (docs/bot-understanding.md) and is now training data.
- `heldout_blind_2026e.csv` (same format): the newest blind set, never trained on.
- `heldout.tsv`: the earlier held-out set, labelled in the intent set of its day; never trained on.
"""

import csv
import io
from pathlib import Path

from triplec.bot.nlu.intents import INTENTS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LABELLED = DATA_DIR / "labelled.tsv"
WRITTEN = DATA_DIR / "written.tsv"
HELDOUT = DATA_DIR / "heldout.tsv"
BLIND = DATA_DIR / "heldout_blind_2026.csv"
BLIND_B = DATA_DIR / "heldout_blind_2026b.csv"
BLIND_C = DATA_DIR / "heldout_blind_2026c.csv"
BLIND_D = DATA_DIR / "heldout_blind_2026d.csv"
BLIND_E = DATA_DIR / "heldout_blind_2026e.csv"
# What the model is trained on, in this order. heldout.tsv and the newest blind set stay out: they are the held-out
# figures.
BLIND_SETS: tuple[Path, ...] = (BLIND, BLIND_B, BLIND_C, BLIND_D)
TRAINING_FILES: tuple[Path, ...] = (LABELLED, WRITTEN, *BLIND_SETS)
HELD_OUT_FILES: tuple[Path, ...] = (HELDOUT, BLIND_E)

# The blind writers' intent names -> ours (identical names are not listed).
BLIND_INTENTS: dict[str, str] = {"detail": "rincian", "sapaan": "salam"}


class LabelledSetError(ValueError):
    """The labelled file is malformed; the message names the line."""


def load_labelled(path: Path | str = LABELLED, *, split: str = "all") -> list[tuple[str, str]]:
    """Rows of a labelled TSV, or of a blind CSV (`text,intent[,register]`, intents mapped by BLIND_INTENTS).

    `split` (TSV only): "all", "dev" (every 5th row) or "tune" (the rest). A header row and lines starting with
    '#' are skipped; an unknown intent or a row without exactly two columns raises LabelledSetError with the line
    number, so a typo cannot silently shrink the set.
    """
    if Path(path).suffix == ".csv":
        return _load_csv(Path(path))
    rows: list[tuple[str, str]] = []
    content = Path(path).read_text(encoding="utf-8")
    for number, line in enumerate(io.StringIO(content), start=1):
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip() or line.startswith("#") or line == "text\tintent":
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise LabelledSetError(f"{path}:{number}: expected 'text<TAB>intent', got {len(parts)} column(s)")
        text, intent = parts[0].strip(), parts[1].strip()
        if intent not in INTENTS:
            raise LabelledSetError(f"{path}:{number}: unknown intent {intent!r}")
        rows.append((text, intent))
    if split == "all":
        return rows
    if split not in ("dev", "tune"):
        raise ValueError(f"unknown split {split!r}")
    return [row for index, row in enumerate(rows) if (index % 5 == 4) == (split == "dev")]


def _load_csv(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames or "intent" not in reader.fieldnames:
            raise LabelledSetError(f"{path}: expected a header with text,intent[,register]")
        for number, record in enumerate(reader, start=2):
            text, label = (record.get("text") or "").strip(), (record.get("intent") or "").strip()
            if not text and not label:
                continue
            intent = BLIND_INTENTS.get(label, label)
            if intent not in INTENTS:
                raise LabelledSetError(f"{path}:{number}: unknown intent {label!r}")
            rows.append((text, intent))
    return rows


def training_rows(files: tuple[Path, ...] = TRAINING_FILES) -> list[tuple[str, str]]:
    return [row for path in files for row in load_labelled(path)]
