"""Append Indonesian entries to an app's catalogue without rewriting the existing ones (the .po files merge by
union, so entries are only ever added). Usage: scripts/add_translations.py FILE.json, where FILE.json maps an app
label to a list of [msgid, msgstr] pairs, [[singular, plural], [msgstr]] for plural forms, or
{"context": ..., "msgid": ..., "msgstr": ...} for a message with a context (pgettext)."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "triplec"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: id\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    for app, entries in json.loads(Path(path).read_text()).items():
        po_path = ROOT / app / "locale" / "id" / "LC_MESSAGES" / "django.po"
        po_path.parent.mkdir(parents=True, exist_ok=True)
        if not po_path.exists():
            po_path.write_text(HEADER)
        with po_path.open("rb") as po:
            catalog = read_po(po)
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and not m.context}
        known_in_context = {(m.context, m.id) for m in catalog if m.id and m.context}
        lines = []
        for entry in entries:
            if isinstance(entry, dict):
                key = (entry["context"], entry["msgid"])
                if key not in known_in_context:
                    lines += [f"msgctxt {quote(key[0])}", f"msgid {quote(key[1])}", f"msgstr {quote(entry['msgstr'])}"]
                    known_in_context.add(key)
                continue
            msgid, msgstr = entry
            if isinstance(msgid, list):
                if msgid[0] in known:
                    continue
                lines += [f"msgid {quote(msgid[0])}", f"msgid_plural {quote(msgid[1])}"]
                lines += [f"msgstr[{i}] {quote(s)}" for i, s in enumerate(msgstr)]
                known.add(msgid[0])
            elif msgid not in known:
                lines += [f"msgid {quote(msgid)}", f"msgstr {quote(msgstr)}"]
                known.add(msgid)
        if lines:
            text = po_path.read_text()
            with po_path.open("a") as po:
                po.write(("" if text.endswith("\n") else "\n") + "\n".join(lines) + "\n")
            print(f"{po_path.relative_to(ROOT.parent)}: {sum(line.startswith('msgid ') for line in lines)} entries")


if __name__ == "__main__":
    main(sys.argv[1])
