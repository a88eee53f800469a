"""`triplec permissions`: print the permission matrix as Markdown; `--write` renders docs/permissions.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from triplec.accounts.permissions import render_markdown

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"


class Command(BaseCommand):
    help = "The permission matrix (roles x actions, and every URL's action) as Markdown; --write updates the doc."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"write {DOC}")

    def handle(self, *args, write: bool = False, **opts):
        text = render_markdown()
        if write:
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(text, ending="")
