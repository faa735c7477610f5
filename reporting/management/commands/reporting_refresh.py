import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build the daily facts: the days touched since the last refresh (default), every day, or given days."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Rebuild every day from the first event to today.")
        parser.add_argument("--day", action="append", default=[], help="Rebuild this day (YYYY-MM-DD); repeatable.")
        parser.add_argument("--no-alerts", action="store_true", help="Do not evaluate the alert rules afterwards.")

    def handle(self, *args, full, day, no_alerts, **options):
        from reporting.alerts import evaluate_rules
        from reporting.build import rebuild_all, rebuild_day, refresh_incremental

        started = time.monotonic()
        if day:
            try:
                days = [date.fromisoformat(text) for text in day]
            except ValueError:
                raise CommandError("--day is a date written YYYY-MM-DD.") from None
            rows = sum(rebuild_day(one) for one in days)
            what = f"{len(days)} day(s) rebuilt, {rows} facts"
        elif full:
            what = f"every day rebuilt, {rebuild_all()} facts"
        else:
            what = f"{len(refresh_incremental())} day(s) refreshed"
        alerts = "" if no_alerts else ", alerts: {raised} raised, {resolved} resolved".format(**evaluate_rules())
        self.stdout.write(self.style.SUCCESS(f"Indicators: {what}{alerts} in {time.monotonic() - started:.1f} s."))
