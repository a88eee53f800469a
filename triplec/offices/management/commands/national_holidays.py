from django.core.management.base import BaseCommand

from triplec.offices.services import holidays_load_national


class Command(BaseCommand):
    help = "Load Indonesia's national holidays and cuti bersama of this year and next (or --year) for every office."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years", help="a year to load (repeatable)")

    def handle(self, *args, years=None, **options):
        added = holidays_load_national(years=years, channel="cli")
        self.stdout.write(f"National holidays loaded ({added} new days).")
