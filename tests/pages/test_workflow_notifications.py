"""The bell and the notifications page."""

from django.urls import reverse

from workflow.models import Notification
from workflow.services import lead_create


def _notify(user, lead, verb="created"):
    return Notification.objects.create(recipient=user, key=f"test:{verb}:{lead.pk}:{user.pk}", verb=verb,
                                       item_kind="lead", item_id=lead.pk, client_id=lead.client_id)  # fmt: skip


def test_every_page_carries_the_bell_that_loads_its_count(page_as, org, wf):
    page = page_as(org.sales_a).get(reverse("workflow:inbox")).content.decode()
    assert 'id="notification-bell"' in page
    assert 'hx-trigger="load, every 60s"' in page


def test_the_bell_counts_the_unread_and_the_list_marks_them_read(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    first = Notification.objects.get(recipient=org.sales_a, verb="created")  # the lead's salesperson hears of it
    second = _notify(org.sales_a, lead, verb="reassigned")
    client = page_as(org.sales_a)

    bell = client.get(reverse("workflow:notification-bell"), HTTP_HX_REQUEST="true")
    assert bell.context["unread"] == 2 and ">2<" in bell.content.decode()

    listing = client.get(reverse("workflow:notifications")).content.decode()
    assert f"New {lead.reference} for you" in listing
    assert 'name="open"' in listing  # opening an unread one marks it read on the way

    read = client.post(reverse("workflow:notification-read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert read.status_code == 200
    assert 'hx-swap-oob="true"' in read.content.decode() and ">1<" in read.content.decode()  # the bell follows
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(reverse("workflow:notification-bell")).context["unread"] == 1

    opened = client.post(reverse("workflow:notification-read", args=[second.pk]), {"open": "1"})
    assert opened.status_code == 302 and opened.url == reverse("workflow:lead-detail", args=[lead.pk])
    assert client.get(reverse("workflow:notification-bell")).context["unread"] == 0
    assert (
        f'href="{reverse("workflow:lead-detail", args=[lead.pk])}"'
        in client.get(reverse("workflow:notifications")).text
    )


def test_someone_elses_notification_is_not_found(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    theirs = _notify(org.sales_a, lead)

    response = page_as(org.sales_a2).post(reverse("workflow:notification-read", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert page_as(org.sales_a2).get(reverse("workflow:notifications")).context["notifications"] == []
