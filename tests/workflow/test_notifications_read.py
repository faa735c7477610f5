"""Marking one's notifications read: one, or all that were in front of the person, never someone else's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from common.errors import NotFound, PermissionDenied
from workflow import services
from workflow.models import Notification
from workflow.notifications import unread_count
from workflow.services.notifications import notification_mark_read, notifications_mark_all_read


def _leads(org, n):
    return [services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject=f"Lead {i}")
            for i in range(n)]  # fmt: skip


def test_mark_all_read_marks_what_the_person_saw_and_leaves_what_arrived_since(org, wf):
    _leads(org, 3)
    seen = Notification.objects.filter(recipient=org.sales_a).order_by("-pk").first()
    _leads(org, 1)  # arrives while the person reads the page
    services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                    subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip

    assert notifications_mark_all_read(user=org.sales_a, up_to=seen.pk) == 3
    assert unread_count(user=org.sales_a) == 1
    assert unread_count(user=org.billing_north) == 1  # nobody else's
    assert notifications_mark_all_read(user=org.sales_a) == 1
    assert notifications_mark_all_read(user=org.sales_a) == 0  # twice: nothing more
    assert unread_count(user=org.sales_a) == 0


def test_one_is_marked_read_by_its_recipient_only(org, wf):
    _leads(org, 1)
    note = Notification.objects.get(recipient=org.sales_a)
    with pytest.raises(NotFound):
        notification_mark_read(user=org.sales_a2, notification_id=note.pk)
    with pytest.raises(PermissionDenied):
        notification_mark_read(user=AnonymousUser(), notification_id=note.pk)
    with pytest.raises(PermissionDenied):
        notifications_mark_all_read(user=AnonymousUser())
    first = notification_mark_read(user=org.sales_a, notification_id=note.pk).read_at
    assert first is not None
    assert notification_mark_read(user=org.sales_a, notification_id=note.pk).read_at == first
