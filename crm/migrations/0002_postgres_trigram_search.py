"""PostgreSQL only: pg_trgm for typo-tolerant search, and trigram indexes on the search columns.

SQLite gets the same similarity from a Python function (crm.search) and needs nothing here.
"""

from django.db import migrations

UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
    "CREATE INDEX IF NOT EXISTS crm_client_search_names_trgm ON crm_client USING gin (search_names gin_trgm_ops);",
    "CREATE INDEX IF NOT EXISTS crm_client_search_phones_trgm ON crm_client USING gin (search_phones gin_trgm_ops);",
]
DOWN = [
    "DROP INDEX IF EXISTS crm_client_search_phones_trgm;",
    "DROP INDEX IF EXISTS crm_client_search_names_trgm;",
]


def _postgres_only(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(_postgres_only(UP), _postgres_only(DOWN))]
