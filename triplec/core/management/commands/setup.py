from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("Prepare this checkout to run: migrate the database, compile translations, collect static files, load "
            "the national holidays of this year and next.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compile_translations", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from triplec.offices.services import load_national_holidays

        added = load_national_holidays(channel="cli")  # this year's and next year's, for every office
        self.stdout.write(f"Database migrated, translations compiled, static files collected, "
                          f"national holidays loaded ({added} new days).")
