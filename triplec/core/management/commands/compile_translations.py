from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the .po catalogues to .mo with Babel, so that GNU gettext need not be installed."

    def handle(self, *args, **options):
        # The project catalogue plus each app's own (triplec/<app>/locale), so apps never share a .po file.
        roots = [Path(d) for d in settings.LOCALE_PATHS] + list(Path(settings.BASE_DIR, "triplec").glob("*/locale"))
        for locale_dir in roots:
            for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po:
                    catalog = read_po(po)
                with mo_path.open("wb") as mo:
                    write_mo(mo, catalog)
                self.stdout.write(f"compiled {mo_path}")
