import time

from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, login_rows
from demo.build import DemoRefused, build_demo, check_environment, demo_present


class Command(BaseCommand):
    help = "Seed a believable demo organisation and client record (development databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=500, help="How many clients (default 500).")
        parser.add_argument(
            "--interactions-per-client",
            type=int,
            default=6,
            help="Average timeline length per client (default 6; key accounts get more).",
        )

    def handle(self, *args, clients, interactions_per_client, **options):
        if clients < 1 or interactions_per_client < 0:
            raise CommandError("--clients must be at least 1 and --interactions-per-client at least 0.")
        try:
            check_environment()
            if demo_present():
                self.stdout.write("Demo data already present: nothing to do.")
                return
            started = time.monotonic()
            demo = build_demo(clients=clients, interactions_per_client=interactions_per_client)
        except DemoRefused as refused:
            raise CommandError(str(refused)) from None
        elapsed = time.monotonic() - started
        counts = ", ".join(f"{demo.counts[name]} {name}" for name in ("clients", "contacts", "interactions",
                                                                      "products", "holdings", "service requests", "leads"))  # fmt: skip
        self.stdout.write(
            self.style.SUCCESS(f"Demo data seeded in {elapsed:.1f} s: {len(demo.people)} people, {counts}.")
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        rows = login_rows(demo)
        width = max(len(username) for username, _role, _unit in rows)
        role_width = max(len(role) for _username, role, _unit in rows)
        for username, role, unit in rows:
            self.stdout.write(f"  {username:<{width}}  {role:<{role_width}}  {unit}")
