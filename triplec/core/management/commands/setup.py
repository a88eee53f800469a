from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Prepare this checkout to run: migrate the database, compile translations, collect static files, load "
        "the national holidays of this year and next."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compile_translations", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("national_holidays", verbosity=0, stdout=self.stdout)  # this year's and next, every office
        self.stdout.write("Database migrated, translations compiled, static files collected.")
