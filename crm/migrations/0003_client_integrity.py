"""The client record's integrity (issues 7 and 8).

- `version` on clients and contacts: an edit made from an older version is refused (409).
- Identifiers stored one way: phones in E.164, SIREN/SIRET as digits, e-mail addresses lowercased.
  A value that cannot be read as one (an old free-text number) is left as it was, for a person to fix.
  The search columns need no rebuild: they already hold national digits and lowercased addresses.
- Contacts dated before 2000 (year 1 was once accepted, and then broke every read of the timeline)
  are dated when they were logged; a constraint keeps any door from storing such a date again.

The normalising code is copied here rather than imported, so that this migration keeps doing what
it did whatever `crm.identifiers` becomes.
"""

import datetime

import phonenumbers
from django.db import migrations, models
from django.db.models import F
from stdnum.fr import siren, siret

EARLIEST_INTERACTION = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
BATCH = 1000


def _phone(value):
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _legal_id(value):
    compact = siren.compact(value)
    if (len(compact) == 9 and siren.is_valid(compact)) or (len(compact) == 14 and siret.is_valid(compact)):
        return compact
    return value


def _normalise(rows, cleaners):
    """`rows` is the model's manager on the migration's own connection (see normalise_identifiers)."""
    fields = list(cleaners)
    changed = []
    for row in rows.only("pk", *fields).iterator(chunk_size=BATCH):
        dirty = False
        for field, clean in cleaners.items():
            value = getattr(row, field)
            if value:
                cleaned = clean(value)
                if cleaned != value:
                    setattr(row, field, cleaned)
                    dirty = True
        if dirty:
            changed.append(row)
        if len(changed) >= BATCH:
            rows.bulk_update(changed, fields)
            changed = []
    if changed:
        rows.bulk_update(changed, fields)


def normalise_identifiers(apps, schema_editor):
    # On the migration's own connection (`migrate --database owner`, see trace/0003): the default one
    # is the application role, which may not exist yet.
    db = schema_editor.connection.alias

    def email(value):
        return value.strip().lower()

    clients = apps.get_model("crm", "Client").objects.using(db)
    _normalise(clients, {"phone": _phone, "legal_id": _legal_id, "email": email})
    _normalise(apps.get_model("crm", "Contact").objects.using(db), {"phone": _phone, "email": email})


def date_contacts_before_2000_when_logged(apps, schema_editor):
    # One UPDATE, no read: such a row cannot even be read back into Python on PostgreSQL (year 0 in UTC).
    Interaction = apps.get_model("crm", "Interaction")
    Interaction.objects.using(schema_editor.connection.alias).filter(occurred_at__lt=EARLIEST_INTERACTION).update(
        occurred_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0002_postgres_trigram_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="contact",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="version"),
        ),
        migrations.RunPython(normalise_identifiers, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(date_contacts_before_2000_when_logged, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="interaction",
            constraint=models.CheckConstraint(
                condition=models.Q(occurred_at__gte=EARLIEST_INTERACTION), name="interaction_occurred_at_sane"
            ),
        ),
    ]
