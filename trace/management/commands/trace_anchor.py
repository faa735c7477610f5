import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trace.services import TraceBroken, trace_anchor_export


class Command(BaseCommand):
    help = (
        "Verify the trace, then export every chain's head (length and last hash), signed with the trace "
        "key, as JSON to keep outside the database; `manage.py verify_trace --anchor FILE` checks it later."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="Write the anchor to this file (refused if it exists); else standard output."
        )

    def handle(self, *args, output=None, **options):
        try:
            document = trace_anchor_export()
        except TraceBroken as broken:
            link = broken.result.broken
            raise CommandError(
                f"No anchor written: the trace is broken at event {link.event_id} (chain {link.chain}, "
                f"position {link.position}): {link.reason}."
            ) from None
        text = json.dumps(document, indent=1, sort_keys=True) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            # An anchor is evidence: never overwrite an earlier one.
            with output.open("x") as file:
                file.write(text)
        except OSError as problem:
            raise CommandError(f"Cannot write the anchor {output}: {problem.strerror}.") from None
        self.stderr.write(f"Anchor of {len(document['chains'])} chains written to {output}.")
