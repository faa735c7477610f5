from django.core.management.base import BaseCommand, CommandError

from accounts.rights import SYSTEM
from common.errors import NotFound
from crm.privacy import contact_erase


class Command(BaseCommand):
    help = (
        "Erase a contact person (GDPR erasure request): delete the contact, strike their name, e-mail and "
        "numbers out of the client's timeline, rebuild the search. Traced by id; the trace still verifies."
    )

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)
        parser.add_argument(
            "--yes", action="store_true", help="Do it: without it, the command only says what it would do."
        )

    def handle(self, *args, contact_id, yes=False, **options):
        if not yes:
            raise CommandError(f"This erases contact {contact_id} for good: run again with --yes.")
        try:
            struck = contact_erase(actor=SYSTEM, contact_id=contact_id)
        except NotFound:
            raise CommandError(f"No contact {contact_id}.") from None
        self.stdout.write(self.style.SUCCESS(f"Contact {contact_id} erased; {struck} timeline entries struck out."))
