"""WhatsApp's text formatting, both ways.

WhatsApp reads `*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ```` and `` `code` `` in every text it shows,
template parameters included. Our own wording uses that on purpose ("*Total: Rp1.000*"); a value we put into a
text (a name, a letter number, an error message) must never do so by accident: "PT *Maju* Jaya" would lose its
asterisks and turn bold. WhatsApp has no escape character, so `escape` swaps each markup character for a
look-alike that WhatsApp does not read (∗ U+2217, ˍ U+02CD, ∼ U+223C, ˋ U+02CB), and a line break for a space (a
value never starts a line, where "> ", "- " and "1. " would become a quote or a list).

`to_html` renders a text the way the phone shows it, for the officer's inbox: HTML-escaped first, then the
markup, following WhatsApp's rules (a marker opens after a space, punctuation or the start of the line and
before a non-space; it closes before a space, punctuation or the end; never across a line break).
"""

import re

from django.utils.html import escape as html_escape
from django.utils.safestring import SafeString, mark_safe

_LOOK_ALIKES = str.maketrans(
    {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb", "\r": " ", "\n": " ", "\u2028": " ", "\u2029": " "}
)


_MARKUP = re.compile("[*_~`\r\n\u2028\u2029]")


def escape(value: object) -> str:
    """A value as literal text inside a WhatsApp message."""
    if value is None:
        return ""
    text = str(value)
    # Most values hold no markup character: the search is a tenth of the cost of translate, which a campaign's
    # start pays three times per message.
    return text.translate(_LOOK_ALIKES) if _MARKUP.search(text) else text


_MONO = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"(?<![\w`])`([^`\n]+)`(?![\w`])")


def _span(marker: str) -> re.Pattern:
    m = re.escape(marker)
    return re.compile(rf"(?<![\w{m}]){m}(?=[^\s{m}])([^\n{m}]*?[^\s{m}]){m}(?![\w{m}])")


_SPANS = ((_span("*"), "strong"), (_span("_"), "em"), (_span("~"), "del"))


def to_html(text: str) -> SafeString:
    """The text as the phone shows it, as safe HTML (line breaks as <br>)."""
    kept: list[str] = []

    def keep(html: str) -> str:
        kept.append(html)
        return f"\x00{len(kept) - 1}\x00"

    out = html_escape(text or "")
    # Monospace first: nothing inside it is formatting.
    out = _MONO.sub(lambda m: keep(f"<code>{m.group(1)}</code>"), out)
    out = _CODE.sub(lambda m: keep(f"<code>{m.group(1)}</code>"), out)
    for pattern, tag in _SPANS:
        out = pattern.sub(rf"<{tag}>\1</{tag}>", out)
    out = re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], out)
    return mark_safe(out.replace("\n", "<br>"))  # noqa: S308 - every character of `text` was escaped above
