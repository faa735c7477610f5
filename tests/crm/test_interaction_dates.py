"""Issue 7 finding 8 and issue 8 item 6: a contact's date lies between 2000-01-01 and a few minutes
from now, a call's direction is its channel's; and a row stored before the rule (year 1) no longer
breaks the client page, its timeline or the interaction list for everyone."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.errors import InvalidInput
from crm.models import EARLIEST_INTERACTION, Interaction
from crm.services import interaction_log

MIGRATION = importlib.import_module("crm.migrations.0003_client_integrity")


def _log(org, **kwargs):
    data = {"channel": "inbound_call", "direction": "inbound", "subject": "Appel", **kwargs}
    return interaction_log(actor=org.reception_a, client_id=org.client_a.pk, **data)


@pytest.mark.parametrize(
    "occurred_at",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1), datetime(1900, 1, 1, tzinfo=UTC),  # noqa: DTZ001
     datetime(1999, 12, 31, 23, 59, tzinfo=UTC), timezone.now() + timedelta(hours=1),
     datetime(9999, 12, 31, tzinfo=UTC)],
)  # fmt: skip
def test_a_contact_dated_out_of_bounds_is_refused_naming_occurred_at(org, occurred_at):
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)  # as a form reads "0001-01-01T00:00" in Paris
    with pytest.raises(InvalidInput) as refused:
        _log(org, occurred_at=occurred_at)
    assert list(refused.value.fields) == ["occurred_at"]
    assert not Interaction.objects.exists()


def test_the_bounds_themselves_are_accepted(org):
    assert _log(org, occurred_at=EARLIEST_INTERACTION).occurred_at == EARLIEST_INTERACTION
    assert _log(org, occurred_at=timezone.now() + timedelta(minutes=4))


@pytest.mark.parametrize(("channel", "direction"), [("outbound_call", "inbound"), ("inbound_call", "outbound")])
def test_a_call_goes_the_way_its_channel_says(org, channel, direction):
    with pytest.raises(InvalidInput) as refused:
        _log(org, channel=channel, direction=direction)
    assert "direction" in refused.value.fields


def test_other_channels_go_both_ways(org):
    assert _log(org, channel="visit", direction="outbound")
    assert _log(org, channel="email", direction="inbound")


def test_finding_08_year_one_interaction_through_the_page_is_a_400_on_the_form(org, page_as):
    response = page_as(org.reception_a).post(
        reverse("crm:interaction_create", args=[org.client_a.pk]),
        {"channel": "inbound_call", "direction": "inbound", "subject": "Appel", "occurred_at": "0001-01-01T00:00"},
    )
    assert response.status_code == 400
    assert response.context["interaction_form"].errors["occurred_at"]
    assert not Interaction.objects.exists()


def test_finding_08_year_one_interaction_through_the_api_is_a_400(org, api_as):
    for occurred_at in ("0001-01-01T00:00:00Z", "0001-01-01T00:00", "1900-01-01T00:00:00+01:00"):
        response = api_as(org.reception_a).post("/api/v1/interactions/", {
            "client": org.client_a.pk, "channel": "visit", "direction": "inbound", "subject": "Visite",
            "occurred_at": occurred_at}, format="json")  # fmt: skip
        assert response.status_code == 400, occurred_at
        assert "occurred_at" in response.json()


def _store_year_one_row_as_before_the_fix(org) -> None:
    """What the old code let through: a contact at 0001-01-01T00:00, Paris time (year 0 in UTC)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The whole test runs in a transaction that is rolled back: the constraint comes back.
            cursor.execute("ALTER TABLE crm_interaction DROP CONSTRAINT interaction_occurred_at_sane")
            occurred_at = "0001-01-01 00:00:00+00:09:21"
        else:
            cursor.execute("PRAGMA ignore_check_constraints = 1")
            occurred_at = "0001-01-01 00:00:00"
        cursor.execute(
            "INSERT INTO crm_interaction (client_id, channel, direction, occurred_at, subject, notes, created_at) "
            "VALUES (%s, 'inbound_call', 'inbound', %s, 'Appel', '', %s)",
            [org.client_a.pk, occurred_at, timezone.now()],
        )
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = 0")


def test_finding_08_year_one_interaction_stored_before_is_dated_when_logged_and_every_read_works(org, page_as,
                                                                                                 api_as):  # fmt: skip
    _store_year_one_row_as_before_the_fix(org)

    # The migration writes on its schema editor's connection (`migrate --database owner` in production):
    # the default one here, all the function reads of the editor.
    MIGRATION.date_contacts_before_2000_when_logged(apps, SimpleNamespace(connection=connection))

    stored = Interaction.objects.get()
    assert stored.occurred_at == stored.created_at
    assert page_as(org.reception_a).get(reverse("crm:client_detail", args=[org.client_a.pk])).status_code == 200
    api = api_as(org.reception_a)
    assert api.get(f"/api/v1/clients/{org.client_a.pk}/timeline/").status_code == 200
    assert api.get("/api/v1/interactions/", {"page": "last"}).status_code == 200


def test_finding_08_the_database_itself_refuses_a_contact_before_2000(org):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(client=org.client_a, channel="visit", direction="inbound", subject="x",
                                   occurred_at=datetime(1999, 1, 1, tzinfo=UTC))  # fmt: skip
