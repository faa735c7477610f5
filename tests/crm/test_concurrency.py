"""Issue 7 finding 4: twenty people write one client record at the same instant, and nothing is lost.

Every accepted change is in the row (or was overwritten by a later accepted change of the same field,
in the order the trace gives) or was answered 409; the trace has one event per accepted change, and
its versions are the row's. Ten, here twenty, simultaneous creations of one company make one record.

Real concurrency needs real connections and row locks, so this runs on PostgreSQL (CI's second run);
SQLite serialises every writer and cannot show the race.
"""

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connections

from accounts.services import membership_start
from common.errors import Conflict
from crm.models import Client, Contact
from crm.services import client_create, client_update, contact_create, contact_update
from tests.factories import UserFactory
from trace.models import TraceEvent
from trace.services import trace_verify

pytestmark = [
    pytest.mark.postgres,
    # Decided before the database is set up: a transactional test on SQLite would flush the trace
    # table with DELETE, which its append-only trigger refuses.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
    ),
]
ACTORS = 20


def _editors(org) -> list:
    """Twenty people who may edit Lille's clients: its reception and salespeople, and new colleagues."""
    people = [org.reception_a, org.sales_a, org.sales_a2]
    for index in range(ACTORS - len(people)):
        person = UserFactory()
        membership_start(actor=org.admin, user=person,
                         team=org.reception_team_a if index % 2 else org.sales_team_a)  # fmt: skip
        people.append(person)
    return people


def _all_at_once(actors: list, act: Callable) -> list[tuple[object, object]]:
    """Run `act(index, actor)` on one thread per actor, released together; (actor, result or error)."""
    start = threading.Barrier(len(actors))
    outcomes: list[tuple[object, object]] = []
    lock = threading.Lock()

    def run(index, actor):
        try:
            start.wait(timeout=30)
            result = act(index, actor)
        except Conflict as conflict:
            result = conflict
        finally:
            connections.close_all()
        with lock:
            outcomes.append((index, result))

    threads = [threading.Thread(target=run, args=(index, actor)) for index, actor in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert len(outcomes) == len(actors), "a writer did not finish"
    return sorted(outcomes, key=lambda outcome: outcome[0])


# Four fields, five writers each, every value different: the last accepted write of a field must win.
def _client_edit(index: int) -> tuple[str, str]:
    field = ("city", "address", "postcode", "email")[index % 4]
    value = {"city": f"Ville {index}", "address": f"{index} rue Neuve", "postcode": f"590{index:02d}",
             "email": f"accueil{index}@dupont.fr"}[field]  # fmt: skip
    return field, value


def _check_no_change_lost(row, accepted: dict[int, tuple[str, str]], action: str) -> None:
    """Accepted writes got versions 2..n+1, one trace event each; each field holds its latest write."""
    assert sorted(accepted) == list(range(2, len(accepted) + 2))
    assert row.version == len(accepted) + 1
    events = TraceEvent.objects.filter(action=action, object_id=str(row.pk)).order_by("id")
    assert [event.payload["version"] for event in events] == sorted(accepted)  # trace order is version order
    assert [event.payload["fields"] for event in events] == [[accepted[v][0]] for v in sorted(accepted)]
    latest: dict[str, str] = {}
    for version in sorted(accepted):
        field, value = accepted[version]
        latest[field] = value
    for field, value in latest.items():
        assert getattr(row, field) == value, field
    assert trace_verify().ok


@pytest.mark.django_db(transaction=True)
def test_finding_04_twenty_parallel_client_edits_lose_nothing(org):
    def edit(index, actor):
        field, value = _client_edit(index)
        return client_update(actor=actor, client_id=org.client_a.pk, **{field: value})

    outcomes = _all_at_once(_editors(org), edit)

    assert all(isinstance(result, Client) for _index, result in outcomes), outcomes
    accepted = {result.version: _client_edit(index) for index, result in outcomes}
    _check_no_change_lost(Client.objects.get(pk=org.client_a.pk), accepted, "crm.client.updated")


@pytest.mark.django_db(transaction=True)
def test_finding_04_twenty_parallel_edits_of_one_version_one_is_saved_nineteen_get_409(org):
    def edit(index, actor):
        field, value = _client_edit(index)
        return client_update(actor=actor, client_id=org.client_a.pk, version=1, **{field: value})

    outcomes = _all_at_once(_editors(org), edit)

    saved = [(index, result) for index, result in outcomes if isinstance(result, Client)]
    refused = [result for _index, result in outcomes if isinstance(result, Conflict)]
    assert len(saved) == 1 and len(refused) == ACTORS - 1
    assert {conflict.extra["version"] for conflict in refused} == {2}
    ((index, _client),) = saved
    _check_no_change_lost(Client.objects.get(pk=org.client_a.pk), {2: _client_edit(index)}, "crm.client.updated")


def _contact_edit(index: int) -> tuple[str, str]:
    field = ("first_name", "role", "phone", "email")[index % 4]
    value = {"first_name": f"Prénom {index}", "role": f"Rôle {index}", "phone": f"06 11 22 33 {index:02d}",
             "email": f"contact{index}@dupont.fr"}[field]  # fmt: skip
    return field, value


@pytest.mark.django_db(transaction=True)
def test_finding_04_twenty_parallel_contact_edits_lose_nothing_and_stale_ones_get_409(org):
    contact = contact_create(actor=org.reception_a, client_id=org.client_a.pk, last_name="Moreau")
    editors = _editors(org)

    def edit(index, actor):
        field, value = _contact_edit(index)
        # Half send the version they read (1): of those, one at most is saved.
        version = 1 if index % 2 else None
        return contact_update(actor=actor, contact_id=contact.pk, version=version, **{field: value})

    outcomes = _all_at_once(editors, edit)

    accepted = {result.version: _contact_edit(index) for index, result in outcomes if isinstance(result, Contact)}
    refused = [index for index, result in outcomes if isinstance(result, Conflict)]
    assert len(accepted) + len(refused) == ACTORS
    assert all(index % 2 for index in refused)  # only edits that named a version may be refused
    assert len([index for index, result in outcomes if index % 2 and isinstance(result, Contact)]) <= 1
    row = Contact.objects.get(pk=contact.pk)
    row.phone = row.phone and f"06 11 22 33 {row.phone[-2:]}"  # compare as typed: stored in E.164
    _check_no_change_lost(row, accepted, "crm.contact.updated")


@pytest.mark.django_db(transaction=True)
def test_finding_04_twenty_parallel_creations_of_one_company_make_one_record(org):
    creators = _editors(org)

    def create(index, actor):
        return client_create(actor=actor, agency=org.agency_a, name="Fromagerie Leclerc",
                             phone="03 20 44 55 66" if index % 2 else "+33 3 20 44 55 66", legal_id="732829320")  # fmt: skip

    outcomes = _all_at_once(creators, create)

    created = [result for _index, result in outcomes if isinstance(result, Client)]
    refused = [result for _index, result in outcomes if isinstance(result, Conflict)]
    assert len(created) == 1 and len(refused) == ACTORS - 1
    assert all(conflict.extra["candidates"][0]["id"] == created[0].pk for conflict in refused)
    assert Client.objects.filter(name="Fromagerie Leclerc").count() == 1
    assert TraceEvent.objects.filter(action="crm.client.created", client_id=created[0].pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_creations_of_one_name_make_one_record_and_nineteen_look_alikes(org):
    outcomes = _all_at_once(_editors(org), lambda index, actor: client_create(
        actor=actor, agency=org.agency_a, name="Fromagerie Leclerc"))  # fmt: skip

    assert [type(result) for _index, result in outcomes].count(Client) == 1
    assert all(result.extra["confirmable"] for _index, result in outcomes if isinstance(result, Conflict))
    assert Client.objects.filter(name="Fromagerie Leclerc").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_contacts_added_at_once_are_all_found_by_search(org):
    outcomes = _all_at_once(_editors(org), lambda index, actor: contact_create(
        actor=actor, client_id=org.client_a.pk, last_name=f"Personne{index}", phone=f"06 11 22 33 {index:02d}"))  # fmt: skip

    assert all(isinstance(result, Contact) for _index, result in outcomes)
    row = Client.objects.get(pk=org.client_a.pk)
    assert all(f"06112233{index:02d}" in row.search_phones.split() for index in range(ACTORS))
    assert all(f"personne{index}" in row.search_names.split() for index in range(ACTORS))
