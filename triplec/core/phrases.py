"""Sentences that are stored before anyone reads them (import reports, audit summaries, timeline events): kept as
an English msgid with named parameters, translated into the reader's language when shown.

    Phrase("unknown office code %(code)s", code=code)

The msgid is marked for translation like any `gettext` string (the translation test extracts `Phrase(...)` calls,
docs/console.md "Translations"); its Indonesian entry goes into the app's catalogue. `str(phrase)` renders it in
the active language. `as_data()` / `from_data()` turn it into JSON and back, so a row stores the phrase and every
reader sees it in their own language. A parameter may itself be a Phrase (translated too) or plain data (names,
numbers, codes), which is shown as it is (a count named `n` with the thousands separator), or a list of those (shown joined by commas). A plain string passes through `from_data` and `render` unchanged: text
written before phrases existed, or text that is the same in every language.
"""

from collections.abc import Callable
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext


class Phrase:
    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        if not self.msgid:  # gettext("") is the catalogue's header
            return ""
        return self._format(gettext(self.msgid))

    def english(self) -> str:
        """The phrase as written in the code, whatever the active language."""
        return self._format(self.msgid, translate=False)

    def _format(self, text: str, *, translate: bool = True) -> str:
        if not self.params:
            return text
        values = {k: _count(v) if k == COUNT and translate else _shown(v, translate) for k, v in self.params.items()}
        try:
            return text % values
        except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: the English text
            return self.msgid % values

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Phrase) and (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.params:
            data["params"] = {k: _data(v) for k, v in self.params.items()}
        return data

    @classmethod
    def from_data(cls, data: Any) -> "Phrase | str":
        """The phrase `as_data` gave; a plain string (or anything else) comes back as text."""
        if isinstance(data, dict) and isinstance(data.get("msgid"), str):
            return cls(data["msgid"], **{k: _from_data(v) for k, v in (data.get("params") or {}).items()})
        return "" if data is None else str(data)

    def map_text(self, fn: Callable[[str], str]) -> "Phrase":
        """The same phrase with `fn` applied to every text parameter (masking identifiers, say)."""
        return Phrase(self.msgid, **{k: _map(v, fn) for k, v in self.params.items()})


# The parameter that holds a count: shown with the reader's thousands separator ("5.937 baris"). Other numbers
# (ids, years) are shown as they are.
COUNT = "n"


def _count(value: Any) -> Any:
    return (
        number_format(value, force_grouping=True) if isinstance(value, int) and not isinstance(value, bool) else value
    )


def _shown(value: Any, translate: bool) -> Any:
    if isinstance(value, Phrase):
        return str(value) if translate else value.english()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_shown(v, translate)) for v in value)
    return value


def _data(value: Any) -> Any:
    if isinstance(value, Phrase):
        return value.as_data()
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    return value


def _from_data(value: Any) -> Any:
    if isinstance(value, dict):
        return Phrase.from_data(value)
    if isinstance(value, list):
        return [_from_data(v) for v in value]
    return value


def _map(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, Phrase):
        return value.map_text(fn)
    if isinstance(value, (list, tuple)):
        return [_map(v, fn) for v in value]
    return fn(value) if isinstance(value, str) else value


def as_data(text: "Phrase | str") -> Any:
    """What to store for a phrase or a plain text (JSON)."""
    return text.as_data() if isinstance(text, Phrase) else str(text)


def render(data: Any) -> str:
    """Stored phrase data (or plain text) in the active language."""
    return str(Phrase.from_data(data))


def map_text(text: "Phrase | str", fn: Callable[[str], str]) -> "Phrase | str":
    return text.map_text(fn) if isinstance(text, Phrase) else fn(str(text))
