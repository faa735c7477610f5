from django.core import mail

from workflow.models import Notification
from workflow.notifications import notify_for_event, send_email_for
from workflow.services import lead_create, service_request_claim, service_request_create


def test_a_routed_lead_notifies_its_salesperson_once_even_if_the_task_runs_twice(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    notes = Notification.objects.filter(recipient=org.sales_a, item_id=lead.pk)
    assert [n.verb for n in notes] == ["created"]
    event_id = int(notes[0].key.split(":")[1])
    assert notify_for_event(event_id=event_id) == []  # a retried task
    assert Notification.objects.filter(recipient=org.sales_a).count() == 1
    assert len(mail.outbox) == 1 and "L-" in mail.outbox[0].subject
    assert send_email_for(notification_id=notes[0].pk) is False  # never twice
    assert len(mail.outbox) == 1


def test_a_new_queue_item_notifies_the_team_and_a_claim_notifies_the_sender(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                         subject="Invoice", fields={"invoice_number": "F-9"})  # fmt: skip
    assert Notification.objects.filter(recipient=org.billing_north, verb="created", item_id=request.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        service_request_claim(request_id=request.pk, user=org.billing_north)
    assert Notification.objects.filter(recipient=org.reception_a, verb="claimed").exists()
    assert not Notification.objects.filter(recipient=org.billing_north, verb="claimed").exists()  # not the actor
