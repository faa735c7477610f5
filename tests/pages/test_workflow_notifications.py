"""The bell, the notifications page and "My notifications" (issue 8, item 7)."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflow import services
from workflow.models import Notification, NotificationPreference
from workflow.services import lead_create
from workflow.services.notifications import notification_mark_read


def _notify(user, lead, verb="created", actor=None):
    return Notification.objects.create(recipient=user, key=f"test:{verb}:{lead.pk}:{user.pk}", verb=verb,
                                       item_kind="lead", item_id=lead.pk, client_id=lead.client_id,
                                       actor=actor)  # fmt: skip


def _resolved_request(org, subject="Invoice too high"):
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                              subject=subject, fields={"invoice_number": "F-1"})  # fmt: skip
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_start(request_id=request.pk, user=org.billing_north)
    services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Credit note")
    return request


def _count(html: str) -> int:
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else 0


def test_every_page_carries_the_bell_which_asks_for_its_count_every_ten_seconds(page_as, org, wf):
    response = page_as(org.sales_a).get(reverse("workflow:inbox"))
    page = response.content.decode()
    assert 'id="notification-bell"' in page and 'id="notification-count"' in page
    assert 'hx-trigger="load, every 10s, relais:bell from:body"' in page
    assert f'hx-get="{reverse("workflow:notification-bell")}"' in page
    assert "/static/django_htmx/htmx-2.min.js" in page  # htmx served by us: the policy allows 'self' only
    assert "'self'" in response.headers["Content-Security-Policy"] and "<script>" not in page
    assert reverse("workflow:notification-preferences") in page  # "My notifications" in the person's menu


def test_the_polled_count_is_one_query_and_follows_what_another_person_does(page_as, org, wf):
    bell = page_as(org.reception_a)
    url = reverse("workflow:notification-bell")
    assert bell.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        answer = bell.get(url, HTTP_HX_REQUEST="true").content.decode()
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and len(queries) <= 3  # the session, the person, the count
    assert _count(answer) == 0 and 'hx-trigger="every 10s, relais:bell from:body"' in answer  # keeps polling

    _resolved_request(org)  # meanwhile, in billing
    answer = bell.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert _count(answer) == 1 and "Notifications: 1 unread" in answer


def test_the_bell_says_99_plus_past_ninety_nine(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    Notification.objects.bulk_create(
        Notification(recipient=org.sales_a2, key=f"many:{n}", verb="created", item_kind="lead", item_id=lead.pk)
        for n in range(120)
    )
    answer = page_as(org.sales_a2).get(reverse("workflow:notification-bell")).content.decode()
    assert ">99+<" in answer and "Notifications: 120 unread" in answer


def test_the_list_names_the_client_the_item_who_acted_and_marks_one_read(page_as, org, wf):
    request = _resolved_request(org)
    note = Notification.objects.get(recipient=org.reception_a, verb="resolved")
    client = page_as(org.reception_a)

    listing = client.get(reverse("workflow:notifications")).content.decode()
    assert f"{org.billing_north} resolved SR-{request.pk} “Invoice too high”" in listing
    assert "Boulangerie Dupont" in listing and "What became of what I sent" in listing
    assert 'name="open"' in listing  # opening an unread one marks it read on the way

    read = client.post(reverse("workflow:notification-read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert read.status_code == 200
    html = read.content.decode()
    assert 'id="notification-count"' in html and 'hx-swap-oob="true"' in html and _count(html) == 0  # bell follows
    note.refresh_from_db()
    assert note.read_at is not None
    assert (
        f'href="{reverse("workflow:request-detail", args=[request.pk])}"'
        in client.get(reverse("workflow:notifications")).content.decode()
    )


def test_opening_one_marks_it_read_and_goes_to_the_item_or_to_a_leads_status_for_its_sender(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Secret budget")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="900", probability=50)
    services.lead_lost(lead_id=lead.pk, user=org.sales_a, reason="Too expensive")
    lost = Notification.objects.get(recipient=org.reception_a, verb="lost")
    created = Notification.objects.get(recipient=org.sales_a, verb="created")

    reception = page_as(org.reception_a)
    listing = reception.get(reverse("workflow:notifications")).content.decode()
    assert f"marked L-{lead.pk} as lost" in listing and "Secret budget" not in listing
    opened = reception.post(reverse("workflow:notification-read", args=[lost.pk]), {"open": "1"})
    assert opened.status_code == 302 and opened.url == reverse("workflow:lead-status", args=[lead.pk])
    assert reception.get(opened.url).status_code == 200

    sales = page_as(org.sales_a)
    assert "Secret budget" in sales.get(reverse("workflow:notifications")).content.decode()
    opened = sales.post(reverse("workflow:notification-read", args=[created.pk]), {"open": "1"})
    assert opened.url == reverse("workflow:lead-detail", args=[lead.pk])


def test_mark_all_read_with_and_without_htmx_leaves_what_arrived_since_the_page(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    for verb in ("reassigned", "commented"):
        _notify(org.sales_a, lead, verb=verb, actor=org.manager_a)
    client = page_as(org.sales_a)
    page = client.get(reverse("workflow:notifications"))
    assert page.context["unread"] == 3 and "Mark all as read" in page.content.decode()
    newest = page.context["newest_id"]
    late = _notify(org.sales_a, lead, verb="won", actor=org.manager_a)  # after the page was shown

    swapped = client.post(reverse("workflow:notification-read-all"), {"up_to": newest}, HTTP_HX_REQUEST="true")
    html = swapped.content.decode()
    assert swapped.status_code == 200 and 'id="notification-panel"' in html
    assert 'hx-swap-oob="true"' in html and _count(html.split('id="notification-count"')[-1]) == 1
    assert list(Notification.objects.filter(recipient=org.sales_a, read_at__isnull=True)) == [late]

    plain = client.post(reverse("workflow:notification-read-all"), {"next": reverse("workflow:notifications")})
    assert plain.status_code == 302 and plain.url == reverse("workflow:notifications")
    assert not Notification.objects.filter(recipient=org.sales_a, read_at__isnull=True).exists()
    after = client.get(reverse("workflow:notifications"))
    assert (
        "1 notification marked as read." in after.content.decode() and "Mark all as read" not in after.content.decode()
    )
    assert client.post(reverse("workflow:notification-read-all"), {"next": "https://evil.example/"}).url == reverse(
        "workflow:notifications"
    )


def test_the_unread_filter_shows_only_the_unread(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    read = Notification.objects.get(recipient=org.sales_a)
    notification_mark_read(user=org.sales_a, notification_id=read.pk)
    unread = _notify(org.sales_a, lead, verb="commented", actor=org.manager_a)
    client = page_as(org.sales_a)
    assert [n.pk for n in client.get(reverse("workflow:notifications"), {"unread": "1"}).context["notifications"]] == [
        unread.pk
    ]
    assert len(client.get(reverse("workflow:notifications")).context["notifications"]) == 2


def test_someone_elses_notification_is_not_found(page_as, org, wf):
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    theirs = Notification.objects.get(recipient=org.sales_a)

    response = page_as(org.sales_a2).post(reverse("workflow:notification-read", args=[theirs.pk]))

    assert response.status_code == 404 and lead.pk
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert page_as(org.sales_a2).get(reverse("workflow:notifications")).context["notifications"] == []
    page_as(org.sales_a2).post(reverse("workflow:notification-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_my_notifications_page_shows_the_email_choices_and_saves_them(page_as, org, wf):
    client = page_as(org.reception_a)
    page = client.get(reverse("workflow:notification-preferences"))
    html = page.content.decode()
    assert page.status_code == 200 and "What became of what I sent" in html
    assert re.search(r'name="given_to_me"[^>]*checked', html) and not re.search(r'name="outcomes"[^>]*checked', html)

    saved = client.post(reverse("workflow:notification-preferences"), {"outcomes": "on", "reminders": "on"})
    assert saved.status_code == 302
    choices = dict(NotificationPreference.objects.filter(user=org.reception_a).values_list("topic", "email"))
    assert choices == {"given_to_me": False, "team_queue": False, "reminders": True, "escalations": False,
                       "activity": False, "outcomes": True}  # fmt: skip
    assert "Your e-mail choices are saved." in client.get(saved.url).content.decode()


def test_the_notifications_page_costs_the_same_queries_for_few_or_many_of_both_kinds(page_as, org, wf, queries_of):
    def add():
        request = _resolved_request(org)
        services.service_request_comment(request_id=request.pk, user=org.reception_a, body="Thanks")
        lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")

    def cost(user):
        client = page_as(user)
        client.get(reverse("workflow:notifications"))  # warm the per-process caches
        return queries_of(lambda: client.get(reverse("workflow:notifications")))

    add()
    few = {user.username: cost(user) for user in (org.reception_a, org.billing_north, org.sales_a)}
    for _ in range(5):
        add()
    many = {user.username: cost(user) for user in (org.reception_a, org.billing_north, org.sales_a)}
    assert Notification.objects.filter(recipient=org.reception_a).count() == 6
    assert many == few


def test_walk_mark_all_read_up_to_a_superscript_number_is_no_500(page_as, org, wf):
    """Walk: `up_to=²` passed `str.isdigit` and `int` refused it (500); now it marks all, like no `up_to`."""
    lead = lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    _notify(org.sales_a, lead, verb="reassigned", actor=org.manager_a)
    response = page_as(org.sales_a).post(reverse("workflow:notification-read-all"), {"up_to": "²"})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=org.sales_a, read_at__isnull=True).exists()
