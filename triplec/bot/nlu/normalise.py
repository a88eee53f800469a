"""Turn a raw WhatsApp message into canonical, space-separated Indonesian tokens.

Steps, in order, each one cheap:
1. Unicode NFKC, lower case; keycap digits (1️⃣) to digits; masked phone numbers ("0812xxxx") to digits; a few
   meaningful emoji to words, the rest dropped.
2. Runs of three or more identical letters collapsed ("tolonggg" -> "tolong", "stoppp" -> "stop").
3. Tokenise on anything that is not a letter or digit; reduplication typed with a 2 ("sedikit2") loses the 2.
4. Each token: slang dictionary; known word; known word without a clitic (-nya, -kah, -lah), any longer word
   without -nya, Jakarta -in read as -kan/-i ("hapusin"); missing spaces
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
    "🙏": " emoji_thanks ",
    "👍": " emoji_ok ",
    "👌": " emoji_ok ",
    "👋": " halo ",
    "🛑": " stop ",
    "⛔": " stop ",
    "😂": " haha ",
    "🤣": " haha ",
    "😀": " ",
    "😊": " ",
}
_KEYCAP = re.compile(r"([0-9#*])\ufe0f?\u20e3")
# A phone number with digits masked by x, * or • ("0812xxxx", our own "+6281••••890", "08xx-xxxx", "+62 812 xxx xxx"): it is a number, and must
# not reach the rules as "0812x" (read as "N times", an instalment). The masked digits become 0s.
_MASKED_PHONE = re.compile(r"(?<![a-z0-9])(?:\+?62|0)[ \-.]?\d[\d \-.]*?[x*•]{2,}(?:[ \-.]?[0-9x*•]{3,})*(?![a-z0-9])")
_MASK = re.compile(r"[ \-.]|[x*•]")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_TOKEN = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?")
_REDUP = re.compile(r"^([a-z]{2,})2$")
# Kupang "sa" is "saya" ("sa mau bayar"), except at the end of a clause, where it is "saja" ("kirim lai sa").
_FINAL_SA = re.compile(r"\bsa\b(?=(?: e)?\s*(?:[,.!?;]|$))")
# Kupang "ko" is "kau" ("ko su bayar?"), except where it ends a question, where it is the particle "kah"
# ("ini asli ko?", "ini penipuan ko?").
_FINAL_KO = re.compile(r"\bko\b(?=\s*(?:\?|$))")
# Voice-note transcripts: hesitations and "what is it called" carry nothing, and split phrases the rules need whole
# ("dikeluarkan dari itu apa namanya daftar kirim").
# English "no need", "no more", "no longer" in mixed messages: a negation, not the abbreviation "no" (nomor).
_ENGLISH_NO = re.compile(r"\bno (?=need\b|more\b|longer\b)")
_FILLERS = re.compile(r"\b(?:(?:itu )?apa (?:itu )?namanya|eh+|e+h|em+|hm+|anu)\b")
# 85 accepts one transposition or one missing letter in a 7-letter word ("petugsa", "keberatn") but not a
# different everyday word two edits away ("pakai" -> "paksa" scores 80).
FUZZY_CUTOFF = 85
CLITICS = ("nya", "kah", "lah", "pun", "ny", "ku", "mu")

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
    if "x" in text or "*" in text or "•" in text:
        text = _MASKED_PHONE.sub(_unmask, text)
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, word)
    text = _REPEAT.sub(r"\1", text)
    if "sa" in text:
        text = _FINAL_SA.sub("saja", text)
    if "ko" in text:
        text = _FINAL_KO.sub("kah", text)
    if "no " in text:
        text = _ENGLISH_NO.sub("tidak ", text)
    return _FILLERS.sub(" ", text)


def _unmask(match: re.Match[str]) -> str:
    """A masked phone number as one all-digit token, so it reads like any other phone number."""
    return " " + _MASK.sub(lambda m: "0" if m.group() in "x*•" else "", match.group()).lstrip("+") + " "


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
        # a 2-letter stem only before -nya ("wanya", "hpnya"); "-ku" after two letters is usually part of a word
        if token.endswith(clitic) and len(stem) >= (2 if clitic == "nya" else 3) and stem in VOCAB:
            return SLANG.get(stem, stem), ""
    if token.endswith("nya") and len(token) >= 7:  # "nominalnya", "omzetnya": -nya on a word we do not list
        return canonical_token(token[:-3])[0], ""
    if token.endswith("in") and len(token) >= 6:  # Jakarta -in for -kan/-i: "hapusin", "blokirin", "hubungin"
        stem = token[:-2]
        for form in (stem + "kan", stem + "i", stem):
            if form in VOCAB:
                return SLANG.get(form, form), ""
    dedoubled = _DOUBLE.sub(r"\1", token)
    if dedoubled in _DEDOUBLED:
        word = _DEDOUBLED[dedoubled]
        return SLANG.get(word, word), f"spelling:{token}->{word}"
    pieces = segment(token)
    if pieces:
        words = " ".join(SLANG.get(p, p) for p in pieces)
        return words, f"split:{token}->{'+'.join(pieces)}"
    if len(token) >= 5:  # at 85, a 5-letter token can only be a 6-letter keyword missing one letter ("bilng")
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
