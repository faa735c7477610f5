"""Finding 7: with Redis down (broker and cache), writes answer success once committed, reads answer,
and the e-mails of what was written go out once the broker is back, once each."""

import socket
from contextlib import closing, contextmanager
from unittest import mock

from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from common.cache import ResilientRedisCache
from common.outbox import services as outbox
from config.celery import app as celery_app
from workflow.models import Notification, ServiceRequest
from workflow.services.notifications import notification_preferences_set


def unused_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_down():
    """The cache on a Redis nobody answers on, and a broker that refuses every message, as in the outage."""
    dead_cache = {"default": {"BACKEND": "common.cache.ResilientRedisCache",
                              "LOCATION": f"redis://127.0.0.1:{unused_port()}/1",
                              "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1}}}  # fmt: skip
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False  # tasks would travel through the broker
    refused = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    try:
        with override_settings(CACHES=dead_cache), mock.patch("celery.app.task.Task.apply_async", side_effect=refused):
            assert isinstance(caches["default"], ResilientRedisCache)
            yield
    finally:
        celery_app.conf.task_always_eager = eager
        outbox._broker_paused_until = 0.0


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_finding_07_during_a_redis_outage_a_creation_and_a_claim_answer_success_and_their_mails_go_later(
    org, wf, django_capture_on_commit_callbacks
):
    # Billing wants its queue's news by e-mail (notif: by default only work given to a person is e-mailed);
    # the lead goes to its client's account owner, which is e-mailed by default.
    notification_preferences_set(user=org.billing_north, email={"team_queue": True})
    reception, billing = as_user(org.reception_a), as_user(org.billing_north)
    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        listed = reception.get("/api/v1/service-requests/")
        created = reception.post("/api/v1/service-requests/", {"client": org.client_a.pk, "category": "billing",
                                 "subject": "Invoice", "fields": {"invoice_number": "F-1"}}, format="json")  # fmt: skip
        lead = reception.post("/api/v1/leads/", {"client": org.client_a.pk, "subject": "Fibre"}, format="json")
        claimed = billing.post(f"/api/v1/service-requests/{created.json()['id']}/claim/")

    assert (listed.status_code, created.status_code, lead.status_code, claimed.status_code) == (200, 201, 201, 200)
    assert ServiceRequest.objects.filter(subject="Invoice").count() == 1  # a retry had nothing to repeat
    notified = list(Notification.objects.order_by("pk").values_list("recipient__username", "verb"))
    assert notified == [("billing_north", "created"), ("sales_a", "created")]
    assert mail.outbox == []

    assert outbox.relay() == 2  # Redis is back: the relay publishes; tasks run here, as a worker would
    assert sorted(message.to[0] for message in mail.outbox) == sorted([org.billing_north.email,
                                                                       org.sales_a.email])  # fmt: skip
    assert outbox.relay() == 0
    assert len(mail.outbox) == 2


def test_finding_07_the_mail_of_a_worker_killed_mid_send_is_sent_once_when_its_lease_runs_out(
    org, wf, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    import time_machine
    from celery.exceptions import Retry
    from django.conf import settings
    from django.utils import timezone

    from workflow.tasks import send_notification_email

    with redis_down(), django_capture_on_commit_callbacks(execute=True):
        as_user(org.reception_a).post("/api/v1/leads/", {"client": org.client_a.pk, "subject": "Fibre"},
                                      format="json")  # fmt: skip
    note = Notification.objects.get(recipient=org.sales_a)
    # A worker took the lease and died mid-send: its message comes back (acks late), the lease still held.
    lease = timezone.now() + timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)
    Notification.objects.filter(pk=note.pk).update(email_lease_until=lease)

    with mock.patch.object(send_notification_email, "retry", side_effect=Retry()) as retry:
        send_notification_email.apply(args=[note.pk], throw=False)
    assert mail.outbox == []  # not sent alongside a worker that may still be sending
    assert 0 < retry.call_args.kwargs["countdown"] <= settings.NOTIFICATION_EMAIL_LEASE_SECONDS + 1

    with time_machine.travel(lease + timedelta(seconds=1)):  # the retry, once the lease ran out
        send_notification_email.apply(args=[note.pk], throw=False)
        send_notification_email.apply(args=[note.pk], throw=False)  # and the outbox's own redelivery: nothing more
    assert [message.to for message in mail.outbox] == [[org.sales_a.email]]
