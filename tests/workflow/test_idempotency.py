"""Writes run in one transaction (a 5xx leaves nothing), and once per Idempotency-Key: the repeat gets the
first answer."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from common.idempotency.middleware import prune
from common.idempotency.models import IdempotentRequest
from workflow.models import Lead, ServiceRequest

LEADS = "/api/v1/leads/"


@pytest.fixture
def reception(org):
    client = APIClient()
    client.force_authenticate(org.reception_a)
    return client


def create_lead(client, org, key, subject="Fibre"):
    return client.post(LEADS, {"client": org.client_a.pk, "subject": subject}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip


def test_finding_07_a_creation_repeated_under_its_key_creates_once_and_answers_the_same(
    org, wf, reception, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = create_lead(reception, org, "b2f1c0de-0001")
        again = create_lead(reception, org, "b2f1c0de-0001")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Lead.objects.filter(subject="Fibre").count() == 1
    assert "Idempotent-Replayed" not in first


def test_another_key_or_no_key_is_another_creation(org, wf, reception):
    create_lead(reception, org, "key-1")
    create_lead(reception, org, "key-2")
    reception.post(LEADS, {"client": org.client_a.pk, "subject": "Fibre"}, format="json")

    assert Lead.objects.filter(subject="Fibre").count() == 3


def test_a_key_reused_for_another_request_is_refused(org, wf, reception):
    create_lead(reception, org, "key-1")
    other = create_lead(reception, org, "key-1", subject="Another")

    assert other.status_code == 422 and "another request" in other.json()["detail"]
    assert not Lead.objects.filter(subject="Another").exists()


def test_one_callers_key_never_replays_for_another(org, wf, reception):
    colleague = APIClient()
    colleague.force_authenticate(org.sales_a)
    reception.credentials(HTTP_AUTHORIZATION="Token reception-key")
    colleague.credentials(HTTP_AUTHORIZATION="Token colleague-key")
    create_lead(reception, org, "same-key")
    theirs = create_lead(colleague, org, "same-key")

    assert "Idempotent-Replayed" not in theirs
    assert IdempotentRequest.objects.count() == 2


def test_a_refused_write_is_answered_the_same_when_repeated(org, wf, reception):
    first = reception.post("/api/v1/service-requests/", {"client": org.client_a.pk, "category": "billing",
                           "subject": "Invoice"}, format="json", HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip
    again = reception.post("/api/v1/service-requests/", {"client": org.client_a.pk, "category": "billing",
                           "subject": "Invoice"}, format="json", HTTP_IDEMPOTENCY_KEY="k")  # fmt: skip

    assert first.status_code == again.status_code == 400 and again.json() == first.json()
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("key", ["key-1", None], ids=["with-a-key", "without"])
def test_finding_07_a_write_that_fails_after_its_service_committed_leaves_nothing_and_a_retry_creates_once(
    org, wf, reception, monkeypatch, key
):
    from workflow.api import leads as leads_api

    calls = []
    original = leads_api.LeadViewSet.create

    def failing_after_the_write(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)  # the service has committed its transaction
        calls.append(response.status_code)
        if len(calls) == 1:
            raise RuntimeError("the database went away while the answer was read back")
        return response

    monkeypatch.setattr(leads_api.LeadViewSet, "create", failing_after_the_write)
    reception.raise_request_exception = False
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    failed = reception.post(LEADS, {"client": org.client_a.pk, "subject": "Fibre"}, format="json", **headers)
    assert failed.status_code == 500 and not Lead.objects.exists()  # the 500 means: nothing happened
    retried = reception.post(LEADS, {"client": org.client_a.pk, "subject": "Fibre"}, format="json", **headers)

    assert retried.status_code == 201
    assert Lead.objects.filter(subject="Fibre").count() == 1


@pytest.mark.parametrize("key", ["", "x" * 201, "bad\x00key"])
def test_a_malformed_key_is_a_400(org, wf, reception, key):
    answer = create_lead(reception, org, key)

    assert answer.status_code == 400 and "Idempotency-Key" in answer.json()["detail"]
    assert not Lead.objects.exists()


def test_keys_are_forgotten_after_a_day(org, wf, reception):
    create_lead(reception, org, "key-1")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert prune() == 1
    assert create_lead(reception, org, "key-1").status_code == 201
    assert Lead.objects.filter(subject="Fibre").count() == 2


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so there is no race to show",
)
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_copies_of_one_keyed_creation_create_one_and_all_answer_it(org, wf):
    from django.db import connections

    start = threading.Barrier(20)
    answers = []
    lock = threading.Lock()

    def send():
        client = APIClient()
        client.force_authenticate(org.reception_a)
        try:
            start.wait(timeout=30)
            answer = create_lead(client, org, "same-key-for-all")
            with lock:
                answers.append((answer.status_code, answer.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _body in answers] == [201] * 20
    assert len({body["id"] for _status, body in answers}) == 1
    assert Lead.objects.filter(subject="Fibre").count() == 1
