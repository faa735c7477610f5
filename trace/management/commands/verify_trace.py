from django.core.management.base import BaseCommand, CommandError

from trace.services import trace_verify


class Command(BaseCommand):
    help = "Recompute the trace's hash chains and name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--chain", help="Only this chain, e.g. client:42 or org:agency:3.")

    def handle(self, *args, chain=None, **options):
        result = trace_verify(chain=chain)
        if result.broken:
            broken = result.broken
            raise CommandError(
                f"Trace broken at event {broken.event_id} (chain {broken.chain}, position "
                f"{broken.position}): {broken.reason}. {result.events_checked} events checked."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Trace intact: {result.events_checked} events in {result.chains_checked} chains.")
        )
