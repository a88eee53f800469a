"""The rules: weighted regular expressions over the normalised text, one table for all intents (rules.toml).

Each rule adds its weight to one intent; the intent with the highest total wins, ties go to the intent that is
earlier in PRIORITY. Weights are coarse on purpose (1 weak hint, 2 cue, 3 clear keyword, 4-6 decisive phrase) so
that a reader can predict the outcome: "sy blm bayar, minta kode billing" is kode_billing because "kode billing"
(4) fires and "sudah bayar" does not; "ini bukan nomor saya, jangan kirim lagi" is salah_nomor (6) over
berhenti (5) because a wrong number must stop everything AND reach staff.

Negation: positive rules that must not fire after a negation start with the part {NOT_NEGATED}, a set of
fixed-width lookbehinds, or have an `unless` pattern checked on the whole text.

The table lives in rules.toml next to this module, with the reason for each rule beside it; it is read once, at
import; a malformed entry raises RuleTableError naming the rule, and so does a part that no rule uses.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

TABLE = Path(__file__).resolve().with_name("rules.toml")

# Ties are broken in this order: actions with consequences for the contact first, chatter last.
PRIORITY: tuple[str, ...] = (
    "lapor_penipuan",
    "salah_nomor",
    "berhenti",
    "mulai",
    "pengaduan",
    "penipuan_khawatir",
    "keberatan",
    "sudah_bayar",
    "angsuran",
    "kode_billing",
    "rincian",
    "petugas",
    "lainnya",
    "terima_kasih",
    "salam",
)


@dataclass(frozen=True)
class Rule:
    name: str
    intent: str
    weight: int
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None


class RuleTableError(ValueError):
    """The rule table is malformed; the message names the rule or part."""


# `{NAME}` stands for a part; a regex repetition ({0,3}) never starts with a capital letter.
_PART = re.compile(r"\{([A-Z][A-Z_]*)\}")
_KEYS = {"intent", "weight", "name", "pattern", "unless"}


def _joined(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def _expand(text: str, parts: dict[str, str | list[str]], within: tuple[str, ...] = ()) -> str:
    """`text` with every `{NAME}` replaced by the part NAME, itself expanded."""

    def part(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parts:
            raise RuleTableError(f"unknown part {{{name}}}")
        if name in within:
            raise RuleTableError(f"part {name} contains itself")
        return _expand(_joined(parts[name]), parts, (*within, name))

    return _PART.sub(part, text)


def load_rules(path: Path = TABLE) -> tuple[Rule, ...]:
    """The [[rule]] entries of a rule table, in order, their parts expanded and their patterns compiled."""
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    parts = table.get("parts", {})
    rules: list[Rule] = []
    for number, entry in enumerate(table.get("rule", []), start=1):
        where = f"{path.name}: rule {number} ({entry.get('name', 'unnamed')!r})"
        if entry.get("intent") not in PRIORITY:
            raise RuleTableError(f"{where}: unknown intent {entry.get('intent')!r}")
        if set(entry) - _KEYS or not {"weight", "name", "pattern"} <= set(entry):
            raise RuleTableError(f"{where}: expected the keys {sorted(_KEYS)} (unless is optional)")
        try:
            pattern = re.compile(_expand(_joined(entry["pattern"]), parts))
            unless = re.compile(_expand(_joined(entry["unless"]), parts)) if entry.get("unless") else None
        except (RuleTableError, re.error) as error:
            raise RuleTableError(f"{where}: {error}") from error
        rules.append(Rule(entry["name"], entry["intent"], entry["weight"], pattern, unless))
    named = {name for value in [*table.get("rule", []), *parts.values()] for name in _PART.findall(str(value))}
    if unused := sorted(set(parts) - named):
        raise RuleTableError(f"{path.name}: parts no rule uses: {', '.join(unused)}")
    return tuple(rules)


RULES: tuple[Rule, ...] = load_rules()
