"""Each person chooses which notifications also come by e-mail; the e-mail task honours the choice when it sends.

By default what asks the person to act comes by e-mail (work given to them, reminders, escalations);
the rest stays on the bell.
"""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.utils import timezone

from common.errors import InvalidInput, PermissionDenied
from common.outbox.models import Outbox
from common.outbox.services import relay
from workflow import services
from workflow.models import Notification, NotificationPreference
from workflow.notifications import email_choices_of
from workflow.services.notifications import notification_email_send, notification_preferences_set


def _lead(org):
    return services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")


def _resolved_request(org):
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                              subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_start(request_id=request.pk, user=org.billing_north)
    services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Done")
    return request


def test_by_default_what_asks_to_act_comes_by_email_and_the_rest_stays_on_the_bell(org, wf):
    assert email_choices_of(user=org.reception_a) == {
        "given_to_me": True, "team_queue": False, "reminders": True, "escalations": True, "activity": False,
        "outcomes": False,
    }  # fmt: skip


def test_reception_gets_outcomes_by_email_once_it_asks_for_them(org, wf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _resolved_request(org)
    assert Notification.objects.filter(recipient=org.reception_a, verb="resolved").exists()  # on the bell
    assert [m.to for m in mail.outbox] == []

    assert notification_preferences_set(user=org.reception_a, email={"outcomes": True})["outcomes"] is True
    with django_capture_on_commit_callbacks(execute=True):
        _resolved_request(org)
    assert [m.to for m in mail.outbox] == [[org.reception_a.email]]
    assert "resolved" in mail.outbox[0].subject


def test_a_salesperson_who_wants_new_leads_on_the_bell_only_gets_no_email(org, wf, django_capture_on_commit_callbacks):
    notification_preferences_set(user=org.sales_a, email={"given_to_me": False})
    with django_capture_on_commit_callbacks(execute=True):
        lead = _lead(org)
    note = Notification.objects.get(recipient=org.sales_a, item_id=lead.pk)
    assert note.read_at is None and note.email_wanted is False
    assert mail.outbox == []


def test_the_email_task_honours_a_choice_made_after_the_notification_was_written(
    org, wf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as commit:
        lead = _lead(org)
    note = Notification.objects.get(recipient=org.sales_a, item_id=lead.pk)
    assert note.email_wanted is True  # wanted when written...
    notification_preferences_set(user=org.sales_a, email={"given_to_me": False})  # ...then switched off
    for callback in commit:  # the task runs now
        callback()
    assert mail.outbox == []
    note.refresh_from_db()
    assert (note.email_wanted, note.emailed_at, note.email_lease_until) == (False, None, None)
    # The task ran to its end: its outbox row is done, and the relay never publishes it again.
    assert Outbox.objects.get(key=f"notification-email:{note.pk}").done_at is not None
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert relay() == 0


def test_what_nobody_wants_by_email_is_never_put_in_the_outbox(org, wf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _resolved_request(org)  # reception's outcome, on the bell only
    outcome = Notification.objects.get(recipient=org.reception_a, verb="resolved")
    assert outcome.email_wanted is False
    assert not Outbox.objects.filter(key=f"notification-email:{outcome.pk}").exists()
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert relay() == 0


def test_someone_without_an_address_or_switched_off_gets_no_email(org, wf):
    org.sales_a.email = ""
    org.sales_a.save(update_fields=["email"])
    lead = _lead(org)
    assert Notification.objects.get(recipient=org.sales_a, item_id=lead.pk).email_wanted is False

    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                              subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    services.service_request_assign(request_id=request.pk, actor=org.admin, assignee_id=org.billing_north.pk)
    note = Notification.objects.get(recipient=org.billing_north, verb="assigned")
    org.billing_north.is_active = False
    org.billing_north.save(update_fields=["is_active"])
    assert notification_email_send(notification_id=note.pk) is False
    assert mail.outbox == []


def test_choices_are_a_persons_own_and_only_known_topics_true_or_false(org, wf):
    with pytest.raises(InvalidInput) as unknown:
        notification_preferences_set(user=org.reception_a, email={"outcomes": True, "everything\x00": True})
    assert "email" in unknown.value.fields
    with pytest.raises(InvalidInput):
        notification_preferences_set(user=org.reception_a, email={"outcomes": "yes"})
    with pytest.raises(PermissionDenied):
        notification_preferences_set(user=AnonymousUser(), email={"outcomes": True})
    assert not NotificationPreference.objects.exists()  # nothing half saved

    notification_preferences_set(user=org.reception_a, email={"outcomes": True})
    notification_preferences_set(user=org.reception_a, email={"outcomes": False, "activity": True})  # again: updated
    assert email_choices_of(user=org.reception_a)["outcomes"] is False
    assert email_choices_of(user=org.reception_a)["activity"] is True
    assert email_choices_of(user=org.reception_b)["activity"] is False  # nobody else's
    assert NotificationPreference.objects.count() == 2
