"""Turn a raw WhatsApp message into canonical, space-separated Indonesian tokens.

Steps, in order, each one cheap:
1. Unicode NFKC, lower case; keycap digits (1️⃣) to digits; a few meaningful emoji to words, the rest dropped.
2. Runs of three or more identical letters collapsed ("tolonggg" -> "tolong", "stoppp" -> "stop").
3. Tokenise on anything that is not a letter or digit; reduplication typed with a 2 ("sedikit2") loses the 2.
4. Each token: slang dictionary; known word; known word without a clitic (-nya, -kah, -lah); missing spaces
   split against the vocabulary ("mintakodebilling"); typo corrected to the nearest domain keyword (rapidfuzz).
Results of the per-token steps are cached: WhatsApp vocabulary is small and repetitive.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from triplec.bot.nlu.lexicon import COMMON, KEYWORDS, SLANG

# Emoji that carry meaning in this domain. Everything else in the symbol/emoji ranges is dropped.
EMOJI_WORDS: dict[str, str] = {
    "🙏": " emoji_thanks ", "👍": " emoji_ok ", "👌": " emoji_ok ", "👋": " halo ", "🛑": " stop ", "⛔": " stop ",
    "😂": " haha ", "🤣": " haha ", "😀": " ", "😊": " ",
}
_KEYCAP = re.compile(r"([0-9#*])\ufe0f?\u20e3")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_TOKEN = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_REDUP = re.compile(r"^([a-z]{3,})2$")
# 85 accepts one transposition or one missing letter in a 7-letter word ("petugsa", "keberatn") but not a
# different everyday word two edits away ("pakai" -> "paksa" scores 80).
FUZZY_CUTOFF = 85
CLITICS = ("nya", "kah", "lah", "pun", "ny")

# Every word the normaliser considers "known": canonical slang values, common words and keywords.
VOCAB: frozenset[str] = frozenset(
    COMMON | KEYWORDS | set(SLANG) | {w for value in SLANG.values() for w in value.split()}
)
# Keyword forms with doubled letters removed: "bilingg", "dicicill" and "billing" all meet at "biling".
_DEDOUBLED: dict[str, str] = {}
for _word in sorted(VOCAB):
    _DEDOUBLED.setdefault(_DOUBLE.sub(r"\1", _word), _word)
_FUZZY_TARGETS: tuple[str, ...] = tuple(sorted(KEYWORDS | {k for k in SLANG if len(k) >= 6}))
_SEGMENT_VOCAB: frozenset[str] = frozenset(w for w in VOCAB if len(w) >= 2)


@dataclass
class Normalised:
    """The canonical text plus how we got there (for `matched` explanations)."""

    text: str
    tokens: list[str]
    notes: list[str] = field(default_factory=list)


def prepare(raw: str) -> str:
    """Steps 1 and 2: Unicode, case, emoji, repeated letters."""
    text = unicodedata.normalize("NFKC", raw or "").lower()
    text = _KEYCAP.sub(r" \1 ", text)
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    return _REPEAT.sub(r"\1", text)


def normalise(raw: str) -> Normalised:
    """Canonical tokens for `raw`; never raises, an empty message gives an empty text."""
    notes: list[str] = []
    tokens: list[str] = []
    for token in _TOKEN.findall(prepare(raw)):
        canonical, note = canonical_token(token)
        if note:
            notes.append(note)
        tokens.extend(canonical.split())
    return Normalised(text=" ".join(tokens), tokens=tokens, notes=notes)


@lru_cache(maxsize=65536)
def canonical_token(token: str) -> tuple[str, str]:
    """One token to canonical word(s), with a note when it took more than a dictionary lookup."""
    if token in SLANG:
        return SLANG[token], ""
    if token in VOCAB or "_" in token or token.isdigit() or len(token) <= 2 or any(ch.isdigit() for ch in token[:-1]):
        return token, ""
    redup = _REDUP.match(token)
    if redup:  # "kirim2", "sedikit2": reduplication
        return canonical_token(redup.group(1))[0], ""
    for clitic in CLITICS:
        stem = token[: -len(clitic)]
        if token.endswith(clitic) and len(stem) >= 3 and (stem in VOCAB or stem in SLANG):
            return SLANG.get(stem, stem), ""
    dedoubled = _DOUBLE.sub(r"\1", token)
    if dedoubled in _DEDOUBLED:
        word = _DEDOUBLED[dedoubled]
        return SLANG.get(word, word), f"spelling:{token}->{word}"
    pieces = segment(token)
    if pieces:
        words = " ".join(SLANG.get(p, p) for p in pieces)
        return words, f"split:{token}->{'+'.join(pieces)}"
    if len(token) >= 6:
        hit = process.extractOne(token, _FUZZY_TARGETS, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit and hit[0][0] == token[0]:
            word = hit[0]
            return SLANG.get(word, word), f"typo:{token}->{word}"
    return token, ""


def segment(token: str) -> list[str] | None:
    """Split a run-together token into known words ("sudahbayar" -> sudah + bayar), or None.

    Accepted only if every piece is known, there are at most four pieces and at least one is a domain keyword:
    an unknown name must not be chopped into syllables that happen to be words.
    """
    if len(token) < 7:
        return None
    n = len(token)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(max(0, end - 14), end - 1):
            prefix = best[start]
            piece = token[start:end]
            if prefix is not None and piece in _SEGMENT_VOCAB:
                candidate = prefix + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    pieces = best[n]
    if not pieces or len(pieces) < 2 or len(pieces) > 4:
        return None
    if not any(p in KEYWORDS or SLANG.get(p, "").split()[0:1] and SLANG[p].split()[0] in KEYWORDS for p in pieces):
        return None
    return pieces
