"""`notifications/`: each person's own bell and e-mail choices, over HTTP."""

import json

from rest_framework.test import APIClient

from workflow import services
from workflow.models import Notification, NotificationPreference

URL = "/api/v1/notifications/"


def _ok(response):
    assert response.status_code == 200, response.content
    return response.json()


def _leads_for_sales_a(org, capture, n=1):
    leads = []
    with capture(execute=True):
        for i in range(n):
            leads.append(services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject=f"Lead {i}"))
    return leads


def test_each_person_reads_their_own_bell_and_marks_it_read(org, wf, api_as, django_capture_on_commit_callbacks):
    (lead,) = _leads_for_sales_a(org, django_capture_on_commit_callbacks)
    sales = api_as(org.sales_a)
    (note,) = _ok(sales.get(URL))["results"]
    assert {key: note[key] for key in ("verb", "topic", "item_kind", "item_id", "reference", "client", "client_name",
                                       "subject", "actor", "actor_name")} == {
        "verb": "created", "topic": "given_to_me", "item_kind": "lead", "item_id": lead.pk, "reference": f"L-{lead.pk}",
        "client": org.client_a.pk, "client_name": "Boulangerie Dupont", "subject": "Lead 0",
        "actor": org.reception_a.pk, "actor_name": str(org.reception_a),
    }  # fmt: skip
    assert note["text"] == f"{org.reception_a} sent L-{lead.pk} “Lead 0” — Boulangerie Dupont"
    assert note["read_at"] is None and note["url"] == f"/work/leads/{lead.pk}/"
    assert _ok(sales.get(f"{URL}unread-count/")) == {"unread_count": 1}
    assert _ok(api_as(org.reception_a).get(URL))["results"] == []

    read = _ok(sales.post(f"{URL}{note['id']}/read/"))
    assert read["read_at"] is not None and read["text"] == note["text"]
    assert _ok(sales.post(f"{URL}{note['id']}/read/"))["read_at"] == read["read_at"]  # reading twice changes nothing
    assert _ok(sales.get(f"{URL}unread-count/")) == {"unread_count": 0}
    assert _ok(sales.get(URL, {"unread": 1}))["results"] == []
    assert [n["id"] for n in _ok(sales.get(URL))["results"]] == [note["id"]]


def test_someone_elses_notification_is_a_404_whatever_the_id(org, wf, api_as, django_capture_on_commit_callbacks):
    _leads_for_sales_a(org, django_capture_on_commit_callbacks)
    note = Notification.objects.get(recipient=org.sales_a)
    other = api_as(org.sales_a2)
    for notification_id in (note.pk, 999999, 10**30):
        assert other.post(f"{URL}{notification_id}/read/").status_code == 404, notification_id
    assert other.post(f"{URL}-1/read/").status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_sender_hears_of_the_outcome_not_of_the_claim(org, wf, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = (
            api_as(org.reception_a)
            .post(
                "/api/v1/service-requests/",
                {"client": org.client_a.pk, "category": "fault", "subject": "No dial tone"},
                format="json",
            )
            .json()
        )
        after_sales = api_as(org.after_sales_north)
        for step, data in (("claim", {}), ("start", {}), ("resolve", {"resolution": "Line repaired"})):
            assert after_sales.post(f"/api/v1/service-requests/{created['id']}/{step}/", data).status_code == 200
    texts = [n["text"] for n in _ok(api_as(org.reception_a).get(URL, {"unread": "true"}))["results"]]
    assert texts == [f"{org.after_sales_north} resolved SR-{created['id']} “No dial tone” — Boulangerie Dupont"]


def test_read_all_marks_the_callers_notifications_up_to_what_they_saw(
    org, wf, api_as, django_capture_on_commit_callbacks
):
    _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=3)
    sales = api_as(org.sales_a)
    shown = _ok(sales.get(URL))["results"]
    _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=1)  # arrives after the list was read
    _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=1)

    assert _ok(sales.post(f"{URL}read-all/", {"up_to": shown[0]["id"]}, format="json")) == {
        "marked": 3, "unread_count": 2,
    }  # fmt: skip
    assert _ok(api_as(org.sales_a2).post(f"{URL}read-all/")) == {"marked": 0, "unread_count": 0}
    assert Notification.objects.filter(recipient=org.sales_a, read_at__isnull=True).count() == 2
    assert _ok(sales.post(f"{URL}read-all/")) == {"marked": 2, "unread_count": 0}


def test_read_all_refuses_odd_input_naming_the_field(org, wf, api_as):
    sales = api_as(org.sales_a)
    for odd in (-1, 0, "abc", "1\x00", 10**30, 1.5, True):
        response = sales.post(f"{URL}read-all/", {"up_to": odd}, format="json")
        assert response.status_code == 400, odd
        assert "up_to" in response.json() and "detail" in response.json()


def test_preferences_read_and_change_the_callers_own_email_choices(org, wf, api_as):
    reception = api_as(org.reception_a)
    shown = _ok(reception.get(f"{URL}preferences/"))
    assert shown["email"] == {"given_to_me": True, "team_queue": False, "reminders": True, "escalations": True,
                              "activity": False, "outcomes": False}  # fmt: skip
    assert [topic["topic"] for topic in shown["topics"]] == list(shown["email"])
    assert all(topic["label"] and topic["description"] for topic in shown["topics"])

    changed = _ok(reception.patch(f"{URL}preferences/", {"email": {"outcomes": True, "given_to_me": False}},
                                  format="json"))  # fmt: skip
    assert (changed["email"]["outcomes"], changed["email"]["given_to_me"], changed["email"]["reminders"]) == (
        True, False, True,
    )  # fmt: skip
    assert _ok(reception.get(f"{URL}preferences/"))["email"] == changed["email"]
    assert _ok(api_as(org.reception_b).get(f"{URL}preferences/"))["email"]["outcomes"] is False  # nobody else's


def test_preferences_refuse_unknown_topics_and_non_booleans_naming_the_field(org, wf, api_as):
    reception = api_as(org.reception_a)
    for body in ({"email": {"everything": True}}, {"email": {"outcomes\x00": True}}, {"email": {"outcomes": "maybe"}},
                 {"email": ["outcomes"]}, {"email": {"outcomes": None}}, {}):  # fmt: skip
        response = reception.patch(f"{URL}preferences/", body, format="json")
        assert response.status_code == 400, body
        assert "email" in response.json(), body
    assert not NotificationPreference.objects.exists()


def test_signed_out_callers_get_401(db):
    for method, path in (("get", URL), ("post", f"{URL}read-all/"), ("get", f"{URL}preferences/"),
                         ("patch", f"{URL}preferences/"), ("get", f"{URL}unread-count/")):  # fmt: skip
        assert getattr(APIClient(), method)(path).status_code == 401, path


def test_the_bell_costs_the_same_queries_whatever_its_length_and_kinds(
    org, wf, queries_of_list, django_capture_on_commit_callbacks
):
    def add(n):
        _leads_for_sales_a(org, django_capture_on_commit_callbacks, n=n)
        request = services.service_request_create(sender=org.sales_a, client_id=org.client_a.pk,
                                                  category="billing", subject="Invoice",
                                                  fields={"invoice_number": "F-1"})  # fmt: skip
        services.service_request_claim(request_id=request.pk, user=org.billing_north)
        services.service_request_start(request_id=request.pk, user=org.billing_north)
        services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Done")

    add(2)
    small = queries_of_list(org.sales_a, URL)
    add(6)
    add(6)
    assert Notification.objects.filter(recipient=org.sales_a).count() == 17
    assert queries_of_list(org.sales_a, URL) == small


def test_the_new_paths_are_in_the_openapi_schema_with_their_errors(db):
    schema = json.loads(APIClient().get("/api/schema/", {"format": "json"}).content)
    read_all = schema["paths"]["/api/v1/notifications/read-all/"]["post"]
    assert {"200", "400"} <= set(read_all["responses"])
    preferences = schema["paths"]["/api/v1/notifications/preferences/"]
    assert {"get", "patch"} <= set(preferences)
    assert {"200", "400"} <= set(preferences["patch"]["responses"])
    assert "404" in schema["paths"]["/api/v1/notifications/{id}/read/"]["post"]["responses"]
