"""The two translation guards: every `id` catalogue is complete, and no template or Python module shows a user a
string that is not marked for translation (docs/console.md, "Translations")."""

import ast
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

from triplec.core.phrases import Phrase

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
KNOWN_GAPS: set[str] = set()
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
# Text that is stored and shown later (import reports, audit summaries, timeline events) must be a Phrase
# (triplec.core.phrases), translated when shown: call -> the position and keyword of its message argument.
PHRASE_ARGUMENTS = {
    "RowRejected": (1, "message"),
    "warn": (1, "message"),
    "CellError": (0, None),
    "InvalidIdentifier": (0, None),
    "FileProblem": (0, None),
    "audit_record": (None, "summary"),
    "audit_listing": (None, "summary"),
    "conversation_event": (None, "text"),
}


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
            if name in PHRASE_ARGUMENTS:
                position, keyword = PHRASE_ARGUMENTS[name]
                values = [kw.value for kw in node.keywords if kw.arg == keyword]
                if position is not None and len(node.args) > position:
                    values.append(node.args[position])
                found += [f"{node.lineno}: {name}({ast.unparse(v)[:60]})" for v in values if _is_literal(v)]
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
    "Phrase": None,  # triplec.core.phrases: a sentence stored now and translated when shown
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
    assert untranslated_python_literals("raise RowRejected('npwp', 'no such taxpayer')")
    assert untranslated_python_literals("row.warn('kap', f'KAP {kap} is unusual')")
    assert untranslated_python_literals("audit_record(action='x.view', summary='page viewed')")
    assert untranslated_python_literals("conversation_event(conversation=c, kind='opt_out', text=f'{n} kontak')")
    assert not untranslated_python_literals("raise RowRejected('npwp', Phrase('no such taxpayer'))")
    assert not untranslated_python_literals("audit_record(action='x.view', summary=Phrase('page viewed'))")
    assert not untranslated_python_literals("x = forms.CharField(label=_('Name'))")


def test_it_shows_contact_status_labels_instead_of_codes_in_the_contact_history():
    from django.utils import translation

    from triplec.taxpayers.models import ContactChange

    change = ContactChange(old_status="active", new_status="wrong_number")
    with translation.override("id"):
        assert (change.old_status_label, change.new_status_label) == ("aktif", "nomor salah")
    assert ContactChange(old_status="").old_status_label == ""


# --- stored texts: import reports, audit summaries, timeline events (triplec.core.phrases) ----------------------
def _calls(name: str):
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and _call_name(node) == name:
                yield path, node


def _keyword(node, name):
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _constants(node) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def audit_actions_in_code() -> set[str]:
    """Every action code the code base writes to the audit log."""
    from triplec.campaigns.templates_services import ACTIONS as TEMPLATE_ACTIONS

    found = set()
    for name in ("audit_record", "audit_listing"):
        for path, node in _calls(name):
            value = _keyword(node, "action")
            if isinstance(value, ast.JoinedStr) and ast.unparse(value) == "f'template.{action}'":
                found |= {f"template.{a}" for a in TEMPLATE_ACTIONS}
            elif isinstance(value, ast.Name):  # passed through: the callers below name it
                continue
            else:
                assert _constants(value), f"{path}:{node.lineno}: an action code the test cannot read"
                found |= _constants(value)
    for _path, node in _calls("_audit_page"):  # ledger.views_collect: one action per list
        found |= _constants(node.args[1])
    for _path, node in _calls("conversation_audit"):  # conversations.services: a staff step on a conversation
        found |= _constants(_keyword(node, "action"))
    # Helpers that take the action positionally: campaigns.services._move, the bot's _audit, the contact history's
    # record (taxpayers.services), the accepted two-factor code (accounts.services), a decision on a quarantined
    # webhook event (messaging.quarantine).
    helpers = (("_move", 2), ("_audit", 1), ("record", 0), ("_code_accepted", 2), ("_decision_record", 2))
    for helper, index in helpers:
        for _path, node in _calls(helper):
            if len(node.args) > index and isinstance(node.args[index], ast.Constant):
                found |= _constants(node.args[index])
    return found


def timeline_kinds_in_code() -> set[str]:
    from triplec.taxpayers.models import ContactStatus

    found = set()
    for path, node in _calls("conversation_event"):
        value = _keyword(node, "kind")
        if isinstance(value, ast.JoinedStr) and ast.unparse(value) == "f'contact_{status}'":
            found |= {f"contact_{s}" for s in ContactStatus.values}
        else:
            assert _constants(value), f"{path}:{node.lineno}: an event kind the test cannot read"
            found |= _constants(value)
    return found


# Labels that are the same words in both languages.
SAME_IN_BOTH = {"API", "WhatsApp", "bot", "bank", "NPWP", "NTPN", "Surat Teguran"}


def untranslated_labels(labels: dict) -> dict[str, str]:
    """The labels (lazy translations) that read the same in Indonesian as in English."""
    from django.utils import translation

    with translation.override("en"):
        english = {code: str(label) for code, label in labels.items()}
    with translation.override("id"):
        return {c: english[c] for c, label in labels.items() if str(label) == english[c] not in SAME_IN_BOTH}


def test_every_audit_action_has_a_label_and_it_reads_in_indonesian():

    from triplec.audit.actions import ACTION_LABELS, CHANNEL_LABELS

    used = audit_actions_in_code()
    assert used - set(ACTION_LABELS) == set(), "audit actions without a label in triplec/audit/actions.py"
    assert set(ACTION_LABELS) - used == set(), "labels of audit actions the code no longer writes"
    assert not untranslated_labels({**ACTION_LABELS, **CHANNEL_LABELS})


def test_every_timeline_event_kind_has_a_label_and_it_reads_in_indonesian():

    from triplec.conversations.models import EVENT_KINDS

    used = timeline_kinds_in_code()
    assert used - set(EVENT_KINDS) == set(), "timeline event kinds without a label in conversations/models.py"
    assert not untranslated_labels(EVENT_KINDS)


STORED_TEXT_MODULES = sorted(
    p
    for p in MODULES
    if p.relative_to(ROOT).parts[0] in ("imports",)
    or p.relative_to(ROOT) in (Path("core/identifiers.py"), Path("audit/legacy.py"))
)


@pytest.mark.parametrize("path", STORED_TEXT_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_import_reason_reads_in_indonesian(path):
    """Each reason the import report can give (and each identifier rule) is a Phrase whose Indonesian text is not
    the English one."""
    from django.utils import translation

    source = io.BytesIO(path.read_text().encode())
    found = (m if not isinstance(m, tuple) else m[0] for _l, _f, m, _c in extract_python(source, ["Phrase"], [], {}))
    phrases = {m for m in found if m}  # Phrase(variable) has no literal to check
    with translation.override("id"):
        english = sorted(m for m in phrases if str(Phrase(m)) == m and m not in SAME_IN_BOTH)
    assert not english, english


def test_phrases_survive_storage_and_follow_the_language():
    from django.utils import translation

    phrase = Phrase(
        "import %(kind)s %(file)s: %(outcome)s",
        kind="debts",
        file="a.csv",
        outcome=Phrase("%(n)s contacts", n=2),
    )
    stored = Phrase.from_data(json.loads(json.dumps(phrase.as_data())))
    assert stored == phrase
    with translation.override("id"):
        assert str(stored) == "impor debts a.csv: 2 kontak"
    with translation.override("en"):
        assert str(stored) == "import debts a.csv: 2 contacts"
    assert Phrase.from_data("dicatat manual") == "dicatat manual"  # plain text stays as it is
    rows = Phrase("debt list exported as %(format)s (%(n)s rows)", format="CSV", n=5937)
    with translation.override("id"):
        assert str(rows) == "daftar tunggakan diekspor sebagai CSV (5.937 baris)"
        assert str(Phrase("webhook event %(id)s discarded", id=12345)).endswith("12345 dibuang")  # an id, not a count
    assert rows.english() == "debt list exported as CSV (5937 rows)"  # the stored text: the number as data
    assert str(Phrase("")) == ""  # never the catalogue's header
    masked = Phrase("login %(user)s", user="0123").map_text(lambda s: "•" * len(s))
    assert masked.params == {"user": "••••"}
    days = Phrase(
        "office hours of %(office)s: %(opens)s–%(closes)s, days %(days)s",
        office="922",
        opens="08:00",
        closes="16:00",
        days=[Phrase("Monday"), Phrase("Friday")],
    )
    with translation.override("id"):
        assert str(Phrase.from_data(days.as_data())).endswith("hari Senin, Jumat")


# A count shown inside {% blocktranslate count VAR=... %} is printed raw ("5937"): the counter picks the plural
# form, and the number shown is a `with` value formatted the Indonesian way (`with n=x|intcomma`: "5.937").
_COUNTED = re.compile(r"{%\s*blocktrans(?:late)?\b[^%]*?\bcount\s+(\w+)\s*=[^%]*%}(.*?){%\s*endblocktrans", re.S)


def raw_counts(source: str) -> list[str]:
    return [var for var, body in _COUNTED.findall(source) if re.search(r"{{\s*" + var + r"\s*}}", body)]


def test_it_shows_every_counted_number_with_indonesian_thousands():
    assert raw_counts("{% blocktranslate count n=x %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}")
    assert not raw_counts(
        "{% blocktranslate count c=x with n=x|intcomma %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}"
    )
    found = {_template_name(p): raw_counts(p.read_text()) for p in TEMPLATES}
    assert not {name: counts for name, counts in found.items() if counts}
