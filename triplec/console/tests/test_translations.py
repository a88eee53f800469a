"""The two translation guards: every `id` catalogue is complete, and no template or Python module shows a user a
string that is not marked for translation (docs/console.md, "Translations")."""

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]  # the triplec package

CATALOGUES = sorted(ROOT.glob("*/locale/id/LC_MESSAGES/django.po"))
TEMPLATES = sorted(p for p in ROOT.glob("*/templates/**/*.html"))
MODULES = sorted(
    p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts and p.name != "testing.py"
)

# Words a user may see untranslated: brand and legal names, Indonesian document names used in both languages,
# units and codes. Keep it short; everything else goes through gettext.
ALLOWED_WORDS = {
    "just",
    "triple",
    "c",
    "whatsapp",
    "npwp",
    "nik",
    "nop",
    "ntpn",
    "kap",
    "kjs",
    "kpp",
    "kasi",
    "ar",
    "rp",
    "wita",
    "wib",
    "wit",
    "pdf",
    "csv",
    "xlsx",
    "json",
    "id",
    "en",
    "ok",
    "meta",
    "qr",
    "sla",
    "pajak",
    "go",
    "surat",
    "teguran",
    "paksa",
    "kode",
    "billing",
    "juru",
    "sita",
    "kas",
    "negara",
    "nip",
    "utc",
    "nitku",
    "st",
    "sp",
    "call",
    "collect",
    "clear",  # the product's name: "Juru Sita Call, Collect, Clear"
    "alt",
    "ctrl",
    "shift",
    "enter",
    "esc",  # keyboard keys
}
# Choice labels that are names of legal documents or products, the same in every language.
ALLOWED_LITERALS = {
    "SK Pembetulan",
    "SK Keberatan",
    "Putusan Banding",
    "Putusan PK",
    "Meta Cloud API",
    "WhatsApp Cloud API simulator",
}
# Modules whose visible strings are not yet marked; each entry is a known gap, listed in docs/console.md. Remove
# the entry once the module is done; never add one for new code.
KNOWN_GAPS = {
    "imports/kinds/debts.py",
    "imports/kinds/letters.py",  # import report reasons (English in every language)
}
# Attributes whose values a user reads or hears.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "aria-description", "label", "data-confirm"}
# Templates that are documents with their own language rules (the letter notice is always Indonesian).
# The letter and its public verification page are addressed to taxpayers: Indonesian whatever the console language.
EXEMPT_TEMPLATES = {"campaigns/notice_pdf.html", "campaigns/verify.html"}

MARK = "\x00"


def _words_leak(text: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z']+", text.replace(MARK, " "))
    return any(w.lower() not in ALLOWED_WORDS for w in words)


class _TextNodes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value and _words_leak(value):
                self.found.append(f'{tag}[{name}="{value.replace(MARK, "…")}"]')

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _words_leak(data):
            self.found.append(" ".join(data.replace(MARK, "…").split()))


def untranslated_template_text(source: str) -> list[str]:
    """Text nodes and visible attribute values outside translation tags that contain words."""
    flat, depth, in_comment = [], 0, False
    for token in Lexer(source).tokenize():
        content = token.contents
        if token.token_type == TokenType.BLOCK:
            name = content.split()[0] if content else ""
            if name == "comment":
                in_comment = True
            elif name == "endcomment":
                in_comment = False
            elif name in ("blocktranslate", "blocktrans"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                depth -= 1
            flat.append(MARK)
        elif token.token_type == TokenType.TEXT and not depth and not in_comment:
            flat.append(content)
        else:
            flat.append(MARK)
    parser = _TextNodes()
    parser.feed("".join(flat))
    parser.close()
    return parser.found


# Keyword arguments whose value a user sees (admin labels, form labels, help texts).
VISIBLE_KEYWORDS = {
    "verbose_name",
    "verbose_name_plural",
    "help_text",
    "label",
    "empty_label",
    "empty_value_display",
    "description",
}
TRANSLATORS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy", "format_lazy"}
MESSAGE_CALLS = {"success", "error", "warning", "info", "debug", "add_message"}


def _is_literal(node) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
        is_code = re.fullmatch(r"[A-Z0-9 ./-]+", value)  # STP, SKPKB: codes are not translated
        return value not in ALLOWED_LITERALS and not is_code and bool(re.search(r"[A-Za-z]{2,}", value))
    return isinstance(node, ast.JoinedStr)


def _call_name(node) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def untranslated_python_literals(source: str) -> list[str]:
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            for kw in node.keywords:
                if kw.arg in VISIBLE_KEYWORDS and _is_literal(kw.value):
                    found.append(f"{node.lineno}: {kw.arg}={ast.unparse(kw.value)}")
                if kw.arg == "choices" and isinstance(kw.value, (ast.List, ast.Tuple)):
                    for elt in kw.value.elts:
                        if isinstance(elt, ast.Tuple) and len(elt.elts) == 2 and _is_literal(elt.elts[1]):
                            found.append(f"{elt.lineno}: choice {ast.unparse(elt.elts[1])}")
            if (
                name in MESSAGE_CALLS
                and isinstance(node.func, ast.Attribute)
                and ast.unparse(node.func.value) == "messages"
            ):
                args = node.args[1:] if name != "add_message" else node.args[2:]
                for arg in args[:1]:
                    if _is_literal(arg) or (isinstance(arg, ast.BinOp) and _is_literal(arg.left)):
                        found.append(f"{node.lineno}: messages.{name}({ast.unparse(arg)[:60]})")
        if isinstance(node, ast.ClassDef) and any(
            ast.unparse(b).endswith(("TextChoices", "IntegerChoices", "Choices")) for b in node.bases
        ):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple) and len(stmt.value.elts) == 2:
                    if _is_literal(stmt.value.elts[1]):
                        found.append(f"{stmt.lineno}: choice {ast.unparse(stmt.value.elts[1])}")
    return found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.relative_to(ROOT).parts[0])
def test_it_has_no_untranslated_or_fuzzy_entry_in_the_indonesian_catalogues(path):
    with path.open("rb") as po:
        catalog = read_po(po)
    bad = [
        str(m.id)
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not bad, f"{path.relative_to(ROOT)}: untranslated or fuzzy: {bad}"


GETTEXT_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}


def marked_strings(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every gettext call in Python source (Babel's tolerant tokenizer)."""
    found = set()
    for _line, func, msgs, _comments in extract_python(io.BytesIO(source.encode()), list(GETTEXT_KEYWORDS), [], {}):
        msgs = (msgs,) if isinstance(msgs, str) or msgs is None else msgs
        context = msgs[0] if func.startswith(("pgettext", "npgettext")) else None
        msgid = msgs[1] if context is not None else msgs[0]
        if isinstance(msgid, str) and msgid:
            found.add((context, msgid))
    return found


def marked_template_strings(source: str) -> set[tuple[str | None, str]]:
    # Django's own makemessages step: the template as gettext calls; indentation is meaningless there.
    return marked_strings("\n".join(line.strip() for line in templatize(source).splitlines()))


def test_it_translates_every_marked_string_into_indonesian():
    """Django looks a message up in every catalogue, so a string counts as translated when any `id` catalogue has
    it; new strings go into their own app's catalogue."""
    translated = set()
    for path in CATALOGUES:
        with path.open("rb") as po:
            translated |= {
                (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id and m.string
            }
    missing = {}
    for path in MODULES + TEMPLATES:
        text = path.read_text()
        found = marked_template_strings(text) if path.suffix == ".html" else marked_strings(text)
        absent = sorted(msgid for context, msgid in found - translated)
        if absent:
            missing[str(path.relative_to(ROOT))] = absent
    assert not missing, missing


def _template_name(path) -> str:
    return "/".join(path.parts[path.parts.index("templates") + 1 :])


# Documents with their own language rules (EXEMPT_TEMPLATES) are left out of the check, not skipped by it.
CHECKED_TEMPLATES = [p for p in TEMPLATES if _template_name(p) not in EXEMPT_TEMPLATES]


@pytest.mark.parametrize("path", CHECKED_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_it_shows_no_template_text_outside_translation_tags(path):
    assert not untranslated_template_text(path.read_text()), _template_name(path)


def test_it_marks_every_visible_python_literal_for_translation():
    leaks = {}
    for path in MODULES:
        if str(path.relative_to(ROOT)) in KNOWN_GAPS:
            continue
        found = untranslated_python_literals(path.read_text())
        if found:
            leaks[str(path.relative_to(ROOT))] = found
    assert not leaks, leaks


def test_it_catches_the_leaks_it_is_meant_to_catch():
    assert untranslated_template_text("<p>Hello {{ name }}</p>") == ["Hello …"]
    assert untranslated_template_text('<input placeholder="Search">') == ['input[placeholder="Search"]']
    assert not untranslated_template_text("<p>{% translate 'Hello' %} {{ n }} · 12</p>")
    assert not untranslated_template_text("{% blocktranslate %}Hello {{ n }}{% endblocktranslate %}<b>NPWP</b>")
    assert untranslated_python_literals("x = models.CharField(verbose_name='name')")
    assert untranslated_python_literals("class S(models.TextChoices):\n    A = 'a', 'draft'")
    assert untranslated_python_literals("messages.success(request, f'Done: {x}.')")
    assert not untranslated_python_literals("x = forms.CharField(label=_('Name'))")


def test_it_shows_contact_status_labels_instead_of_codes_in_the_contact_history():
    from django.utils import translation

    from triplec.taxpayers.models import ContactChange

    change = ContactChange(old_status="active", new_status="wrong_number")
    with translation.override("id"):
        assert (change.old_status_label, change.new_status_label) == ("aktif", "nomor salah")
    assert ContactChange(old_status="").old_status_label == ""
