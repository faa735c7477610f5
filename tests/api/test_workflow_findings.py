"""Issue 7's findings on requests, leads and their settings, tried again from outside through the API and pages.

- 08: odd input breaks nothing: a NUL byte in `?category=` or in a `fields` key, huge category hours
  or rule order answer 400, and what was stored before the bounds reads as it should;
- 11: a view-only role (marketing) cannot write on a request it reads;
- 12: a callback window is bounded: it starts within `CALLBACK_MAX_DAYS_AHEAD` days and lasts at most
  `CALLBACK_MAX_WINDOW_DAYS` days, so no window exempts an item from its targets for ever.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_member, make_team
from trace.models import TraceEvent
from workflow import services
from workflow.models import AgencyCalendar, Category, Comment, ServiceRequest, Weekday

URL = "/api/v1/service-requests/"
ALWAYS_OPEN = {day: [["00:00", "24:00"]] for day in Weekday.values}


def _body(org, **overrides):
    return {"client": org.client_a.pk, "category": "billing", "subject": "Invoice too high",
            "fields": {"invoice_number": "F-1"}, **overrides}  # fmt: skip


@pytest.fixture
def marketing(org):
    return make_member(team=make_team(kind="marketing", name="Marketing national"), username="marketing")


def test_finding_11_marketing_reads_a_request_but_cannot_comment_reopen_or_count_repeat_contacts(org, wf, api_as,
                                                                                                 marketing):  # fmt: skip
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                              subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Credit note")
    events_before = TraceEvent.objects.count()
    api = api_as(marketing)
    assert api.get(f"{URL}{request.pk}/").status_code == 200  # marketing reads the agency's requests

    answers = {
        "comment": api.post(f"{URL}{request.pk}/comment/", {"body": "Spam"}, format="json"),
        "reopen": api.post(f"{URL}{request.pk}/reopen/", {"reason": "Because"}, format="json"),
        **{f"repeat_contact {n}": api.post(f"{URL}{request.pk}/repeat_contact/", {}, format="json") for n in range(20)},
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 403)
    request.refresh_from_db()
    assert (request.status, request.repeat_contacts, request.reopen_count) == ("resolved", 0, 0)
    assert not Comment.objects.filter(service_request=request).exists()
    assert TraceEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ({"callback_after": "+1h", "callback_before": "9999-12-31T23:59:00Z"}, "callback_before"),
        ({"callback_after": "9999-12-31T09:00:00Z"}, "callback_after"),
        ({"callback_after": f"+{settings.CALLBACK_MAX_DAYS_AHEAD + 1}d"}, "callback_after"),
        ({"callback_after": "+1h", "callback_before": f"+{settings.CALLBACK_MAX_WINDOW_DAYS + 1}d"}, "callback_before"),
        ({"callback_after": "0001-01-01T00:00:00Z"}, "callback_after"),
        ({"callback_before": "+2d"}, "callback_after"),
    ],
)
def test_finding_12_callback_window_unbounded_or_out_of_reach_is_a_400_naming_the_field(org, wf, api_as, window,
                                                                                         field):  # fmt: skip
    AgencyCalendar.objects.create(agency=org.agency_a, opening_hours=ALWAYS_OPEN, closed_on_public_holidays=False)
    now = timezone.now()

    def moment(value: str) -> str:
        if value.startswith("+"):
            amount, unit = int(value[1:-1]), value[-1]
            return (now + (timedelta(hours=amount) if unit == "h" else timedelta(days=amount))).isoformat()
        return value

    body = {key: moment(value) for key, value in window.items()}
    for url, extra in ((URL, _body(org)), ("/api/v1/leads/", {"client": org.client_a.pk, "subject": "Fibre"})):
        response = api_as(org.reception_a).post(url, {**extra, **body}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json(), response.json()
    assert not ServiceRequest.objects.exists()


def test_finding_12_callback_window_within_the_bounds_is_taken_and_ends_the_pause_on_time(org, wf, api_as):
    AgencyCalendar.objects.create(agency=org.agency_a, opening_hours=ALWAYS_OPEN, closed_on_public_holidays=False)
    after = timezone.now() + timedelta(days=settings.CALLBACK_MAX_DAYS_AHEAD - 1)
    before = after + timedelta(days=settings.CALLBACK_MAX_WINDOW_DAYS)
    response = api_as(org.reception_a).post(
        URL, _body(org, callback_after=after.isoformat(), callback_before=before.isoformat()), format="json"
    )
    assert response.status_code == 201, response.content


def test_finding_08_huge_category_hours_and_rule_order_are_400s_naming_the_field(org, wf, api_as):
    admin = api_as(org.admin)
    for hours in (2_000_000_000, 10**30, 0, -5):
        answer = admin.patch(f"/api/v1/categories/{wf.billing.pk}/", {"response_hours": hours}, format="json")
        assert answer.status_code == 400 and "response_hours" in answer.json(), (hours, answer.content)
    shorter = admin.patch(f"/api/v1/categories/{wf.billing.pk}/", {"resolution_hours": 2}, format="json")
    assert shorter.status_code == 400 and "resolution_hours" in shorter.json()  # under the 4-hour response target
    for order in (2_000_000_000, 10**30, -1):
        answer = admin.post("/api/v1/routing-rules/", {"order": order, "name": "Huge", "kind": "lead",
                                                       "target_type": "account_owner"}, format="json")  # fmt: skip
        assert answer.status_code == 400 and "order" in answer.json(), (order, answer.content)
        answer = admin.patch(f"/api/v1/routing-rules/{wf.lead_to_owner.pk}/", {"order": order}, format="json")
        assert answer.status_code == 400 and "order" in answer.json()
    wf.billing.refresh_from_db()
    assert wf.billing.response_hours == 4


def test_finding_08_huge_category_hours_stored_before_the_bounds_break_no_request(org, wf, api_as):
    """A category given 2·10⁹ hours before targets were bounded: its requests are still created and read."""
    Category.objects.filter(pk=wf.billing.pk).update(response_hours=2_000_000_000, resolution_hours=2_000_000_000)
    reception = api_as(org.reception_a)

    created = reception.post(URL, _body(org), format="json")

    assert created.status_code == 201, created.content
    request_id = created.json()["id"]
    assert reception.get(f"{URL}{request_id}/").status_code == 200
    assert reception.get(URL).status_code == 200
    assert api_as(org.billing_north).get(URL, {"queue": 1}).status_code == 200
    page = api_as(org.billing_north)
    assert page.get(reverse("workflow:queue")).status_code in (200, 302)


def test_finding_08_nul_in_the_category_filter_and_in_a_fields_key_is_a_400(org, wf, api_as, page_as):
    reception = api_as(org.reception_a)
    assert reception.get(URL, {"category": "billing\x00"}).status_code == 400
    created = reception.post(URL, _body(org, fields={"invoice_number": "F-1", "bad\x00key": "x"}), format="json")
    assert created.status_code == 400 and "fields" in created.json()
    value = reception.post(URL, _body(org, fields={"invoice_number": "F-\x001"}), format="json")
    assert value.status_code == 400 and "fields" in value.json()
    transfer = api_as(org.billing_north)
    request = services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                              subject="Invoice", fields={"invoice_number": "F-1"})  # fmt: skip
    moved = transfer.post(f"{URL}{request.pk}/transfer/", {"team": org.after_sales_team_north.pk, "reason": "x",
                                                           "category": "fault", "fields": {"a\x00": "b"}},
                          format="json")  # fmt: skip
    assert moved.status_code == 400
    assert transfer.get(f"{URL}{request.pk}/transfer-targets/", {"category": "fault\x00"}).status_code == 400
    pages = page_as(org.billing_north)
    assert pages.get(reverse("workflow:queue"), {"category": "billing\x00"}).status_code == 400
    assert pages.get(reverse("workflow:category-fields"), {"category": "billing\x00"}).status_code == 400
    form = page_as(org.reception_a).get(reverse("workflow:request-create", args=[org.client_a.pk]),
                                        {"category": "billing\x00"})  # fmt: skip
    assert form.status_code == 200  # the preset is dropped, the form is empty


def test_an_unknown_or_ill_typed_field_is_a_400_naming_it_under_fields(org, wf, api_as):
    wf.fault.field_definitions = [
        {"code": "line_number", "label_fr": "Ligne", "label_en": "Line", "type": "text", "required": True},
        {"code": "lines", "label_fr": "Lignes", "label_en": "Lines", "type": "number", "required": False},
        {"code": "since", "label_fr": "Depuis", "label_en": "Since", "type": "date", "required": False},
        {"code": "symptom", "label_fr": "Symptôme", "label_en": "Symptom", "type": "choice", "required": False,
         "options": [{"value": "slow", "label_fr": "Lent", "label_en": "Slow"}]},
    ]  # fmt: skip
    wf.fault.save()
    reception = api_as(org.reception_a)
    wrong = {"line_number": "0320", "lines": "three", "since": "0001-01-01", "symptom": "fast", "colour": "red"}

    response = reception.post(URL, _body(org, category="fault", fields=wrong), format="json")

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"lines", "since", "symptom", "colour"}
    right = {"line_number": "0320", "lines": "3", "since": "2026-01-15", "symptom": "slow"}
    created = reception.post(URL, _body(org, category="fault", fields=right), format="json")
    assert created.status_code == 201 and created.json()["fields"] == right


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "0001-01-01T00:30:00+02:00", "9999-12-31T23:59:59-05:00"])
def test_finding_08_a_callback_at_the_edges_of_the_calendar_is_a_400_on_requests_and_leads(org, wf, api_as, moment):
    for url, extra in ((URL, _body(org)), ("/api/v1/leads/", {"client": org.client_a.pk, "subject": "Fibre"})):
        response = api_as(org.reception_a).post(url, {**extra, "callback_after": moment}, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "callback_after" in response.json()


def test_finding_08_a_membership_dated_at_the_edge_of_the_calendar_is_a_400(org, api_as):
    body = {"user": org.outsider.pk, "team": org.sales_team_a.pk, "started_at": "0001-01-01T00:00"}

    response = api_as(org.admin).post("/api/v1/memberships/", body, format="json")

    assert response.status_code == 400, response.content
    assert "started_at" in response.json()


def test_finding_08_a_service_refusal_says_invalid_input_in_the_callers_language(org, wf, api_as):
    # The category is refused by the service (not the serializer): its `detail` is translated too.
    body = _body(org, category="no-such-category")

    french = api_as(org.reception_a).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    english = api_as(org.reception_a).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert (french.status_code, english.status_code) == (400, 400)
    assert french.json()["detail"] == "Saisie invalide."
    assert english.json()["detail"] == "Invalid input."
