import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trace.anchors import AnchorInvalid, anchor_load
from trace.services import trace_verify

# An anchor checked against a trace that lost everything names every chain; past this many, a count.
MAX_LISTED = 50


class Command(BaseCommand):
    help = (
        "Recompute the trace's hash chains and name the first broken event; with --anchor, also check "
        "that every chain still holds what an exported anchor recorded (manage.py trace_anchor)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", help="Only this chain, e.g. client:42 or org:agency:3.")
        parser.add_argument("--anchor", type=Path, help="An anchor file written by `manage.py trace_anchor`.")

    def handle(self, *args, chain=None, anchor=None, **options):
        loaded = None
        if anchor is not None:
            try:
                loaded = anchor_load(json.loads(anchor.read_text()))
            except OSError as problem:
                raise CommandError(f"Cannot read the anchor {anchor}: {problem.strerror}.") from None
            except (AnchorInvalid, json.JSONDecodeError) as problem:
                raise CommandError(f"The anchor {anchor} cannot be used: {problem}.") from None
        result = trace_verify(chain=chain, anchor=loaded)
        problems = []
        if result.broken:
            broken = result.broken
            problems.append(
                f"Trace broken at event {broken.event_id} (chain {broken.chain}, position "
                f"{broken.position}): {broken.reason}."
            )
        for link in result.anchor_problems[:MAX_LISTED]:
            problems.append(f"Chain {link.chain} disagrees with the anchor at position {link.position}: {link.reason}.")
        if len(result.anchor_problems) > MAX_LISTED:
            problems.append(f"… and {len(result.anchor_problems) - MAX_LISTED} more chains disagree with the anchor.")
        if problems:
            problems.append(f"{result.events_checked} events checked.")
            raise CommandError("\n".join(problems))
        against = f", matching the {len(loaded.heads)} chains of the anchor of {loaded.exported_at}" if loaded else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Trace intact: {result.events_checked} events in {result.chains_checked} chains{against}."
            )
        )
