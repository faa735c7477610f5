import json

from django.core.management.base import BaseCommand, CommandError

from accounts.rights import SYSTEM
from common.errors import NotFound
from crm.privacy import contact_export


class Command(BaseCommand):
    help = "Export everything held about a contact person (GDPR access request) as JSON. Traced by id."

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)
        parser.add_argument("--output", help="Write the JSON to this file instead of the standard output.")

    def handle(self, *args, contact_id, output=None, **options):
        try:
            data = contact_export(actor=SYSTEM, contact_id=contact_id)
        except NotFound:
            raise CommandError(f"No contact {contact_id}.") from None
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stdout.write(self.style.SUCCESS(f"Contact {contact_id} exported to {output}."))
        else:
            self.stdout.write(text)
