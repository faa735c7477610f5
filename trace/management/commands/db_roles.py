from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from trace.database_roles import RoleRefused, grant_application_role


class Command(BaseCommand):
    help = (
        "PostgreSQL: create the application role if missing and grant it exactly what the application "
        "needs (the trace: SELECT and INSERT only). Run as the tables' owner after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            help="The owner's connection: `owner` (DATABASE_OWNER_URL) when configured, else `default`.",
        )
        parser.add_argument("--role", help="The application role; default: the user of DATABASE_URL.")
        parser.add_argument(
            "--password", help="Its password; default: the one in DATABASE_URL, or unchanged when --role is given."
        )

    def handle(self, *args, database=None, role=None, password=None, **options):
        database = database or ("owner" if "owner" in settings.DATABASES else "default")
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write("No database roles on SQLite: the trace is guarded by its triggers only (docs/trace.md).")
            return
        if role is None:
            application = settings.DATABASES["default"]
            role, password = application["USER"], password or application.get("PASSWORD") or None
        try:
            grants = grant_application_role(connection=connection, role=role, password=password)
        except RoleRefused as refused:
            raise CommandError(str(refused)) from None
        if options["verbosity"] > 1:
            for statement in grants.statements:
                self.stdout.write(statement)
        created = "created and granted" if grants.created else "granted"
        self.stdout.write(self.style.SUCCESS(f"Application role {grants.role} {created} (as {database})."))
