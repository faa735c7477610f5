"""Targets count the business hours of the client's agency (issue 8 item 8, done 5).

Opening hours per weekday in the agency's time zone, less French public holidays (the `holidays`
package) and the agency's own closed days. The agencies of the fixtures keep the default week: Monday
to Friday, 09:00-12:30 and 13:30-18:00, Europe/Paris, 8 hours a day.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from common.errors import InvalidInput, PermissionDenied
from trace.models import TraceEvent
from workflow import services
from workflow.due import annotate_due
from workflow.hours import agency_calendar
from workflow.models import AgencyCalendar, ServiceRequest
from workflow.services.configuration import agency_calendar_update

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _memberships_in_force_on_the_dates_travelled_to(org):
    # A membership grants its rights from `started_at` only (org); the fixtures start them today, and
    # these tests travel back to dates of 2026 with their calendar's holidays.
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=UTC))


def _request_at(org, wf, moment: datetime, *, hours: int = 8, client=None):
    wf.fault.response_hours = hours
    wf.fault.resolution_hours = max(hours, wf.fault.resolution_hours)
    wf.fault.save()
    client = client or org.client_a
    sender = org.reception_a if client.agency == org.agency_a else org.reception_b
    with time_machine.travel(moment, tick=False):
        return services.service_request_create(sender=sender, client_id=client.pk, category="fault",
                                               subject="No dial tone", confirm=True, reason="Another line")  # fmt: skip


def test_opened_friday_17_30_with_8_business_hours_it_is_due_monday_17_30_in_the_agencys_time_zone(org, wf):
    request = _request_at(org, wf, datetime(2026, 3, 6, 17, 30, tzinfo=PARIS))  # a Friday

    due = request.response_due_at.astimezone(PARIS)

    # Half an hour on Friday, then 09:00-12:30 (3.5 h) and 13:30-17:30 (4 h) on Monday.
    assert due == datetime(2026, 3, 9, 17, 30, tzinfo=PARIS)
    assert request.response_due_at == datetime(2026, 3, 9, 16, 30, tzinfo=UTC)
    listed = annotate_due(ServiceRequest.objects.filter(pk=request.pk)).get()
    assert listed.sla_due_at == request.response_due_at  # the one rule the lists and the scan read


def test_a_public_holiday_is_skipped(org, wf):
    # Whit Monday 2026 is 25 May: the Friday before, the count goes on on Tuesday.
    request = _request_at(org, wf, datetime(2026, 5, 22, 17, 30, tzinfo=PARIS))
    assert request.response_due_at.astimezone(PARIS) == datetime(2026, 5, 26, 17, 30, tzinfo=PARIS)


def test_the_agencys_own_closed_day_and_time_zone_count(org, wf):
    agency_calendar_update(actor=org.admin, agency_id=org.agency_b.pk, time_zone="Indian/Reunion",
                           holiday_subdivision="974", closed_days=[{"date": "2026-03-09", "label": "Inventaire"}])  # fmt: skip
    reunion = ZoneInfo("Indian/Reunion")
    request = _request_at(org, wf, datetime(2026, 3, 6, 17, 30, tzinfo=reunion), client=org.client_b)
    # Friday half an hour, Monday 9 March closed: Tuesday 17:30, Réunion time (UTC+4).
    assert request.response_due_at.astimezone(reunion) == datetime(2026, 3, 10, 17, 30, tzinfo=reunion)
    assert request.response_due_at == datetime(2026, 3, 10, 13, 30, tzinfo=UTC)


def test_opened_during_lunch_or_at_night_the_count_starts_at_the_next_opening(org, wf):
    lunch = _request_at(org, wf, datetime(2026, 3, 2, 12, 45, tzinfo=PARIS), hours=1)
    assert lunch.response_due_at.astimezone(PARIS) == datetime(2026, 3, 2, 14, 30, tzinfo=PARIS)
    night = _request_at(org, wf, datetime(2026, 3, 3, 23, 0, tzinfo=PARIS), hours=1)
    assert night.response_due_at.astimezone(PARIS) == datetime(2026, 3, 4, 10, 0, tzinfo=PARIS)


def test_a_lead_answers_in_business_hours_and_is_resolved_in_calendar_days(org, wf, settings):
    settings.LEAD_RESPONSE_HOURS, settings.LEAD_RESOLUTION_DAYS = 8, 30
    friday = datetime(2026, 3, 6, 17, 30, tzinfo=PARIS)
    with time_machine.travel(friday, tick=False):
        lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    assert lead.response_due_at.astimezone(PARIS) == datetime(2026, 3, 9, 17, 30, tzinfo=PARIS)
    assert lead.resolution_due_at == friday.astimezone(UTC) + timedelta(days=30)


def test_a_daylight_saving_change_counts_the_hours_the_agency_was_really_open(org, wf):
    # Clocks go forward on Sunday 29 March 2026 at 02:00: Monday is still 09:00-18:00 local.
    request = _request_at(org, wf, datetime(2026, 3, 27, 17, 30, tzinfo=PARIS))
    assert request.response_due_at.astimezone(PARIS) == datetime(2026, 3, 30, 17, 30, tzinfo=PARIS)


def test_a_callback_window_wholly_while_the_agency_is_closed_is_refused_naming_the_field(org, wf):
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=PARIS)
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=PARIS), tick=False):
        with pytest.raises(InvalidInput) as closed:
            services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                 callback_after=saturday, callback_before=saturday + timedelta(hours=3))  # fmt: skip
        assert "closed during the whole window" in closed.value.fields["callback_after"][0]
        # Overlapping Monday morning: taken.
        lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre",
                                    callback_after=saturday, callback_before=saturday + timedelta(days=2))  # fmt: skip
        assert lead.callback_before is not None


def test_the_admin_sets_the_hours_traced_and_bad_hours_are_400s_naming_the_field(org, wf):
    with pytest.raises(PermissionDenied):
        agency_calendar_update(actor=org.manager_a, agency_id=org.agency_a.pk, time_zone="Europe/Paris")
    bad = {
        "time_zone": "Mars/Olympus",
        "opening_hours": {"monday": [["18:00", "09:00"]]},
        "holiday_subdivision": "99",
        "closed_days": [{"date": "0001-01-01", "label": "x"}],
    }
    for field, value in bad.items():
        with pytest.raises(InvalidInput) as error:
            agency_calendar_update(actor=org.admin, agency_id=org.agency_a.pk, **{field: value})
        assert field in error.value.fields
    overlapping = {"monday": [["09:00", "13:00"], ["12:00", "18:00"]]}
    with pytest.raises(InvalidInput):
        agency_calendar_update(actor=org.admin, agency_id=org.agency_a.pk, opening_hours=overlapping)

    agency_calendar_update(actor=org.admin, agency_id=org.agency_a.pk, opening_hours={"saturday": [["09:00", "12:00"]]})

    calendar = agency_calendar(org.agency_a.pk)
    assert calendar.week[5] == ((540, 720),) and calendar.week[0] == ()
    event = TraceEvent.objects.get(action="workflow.agency_calendar.updated")
    assert event.chain == f"org:agency:{org.agency_a.pk}" and "opening_hours" in event.payload["fields"]


def test_business_hours_through_the_api(org, wf, api_as):
    url = f"/api/v1/business-hours/{org.agency_a.pk}/"
    reception = api_as(org.reception_a)
    default = reception.get(url).json()
    assert default["is_default"] is True and default["time_zone"] == "Europe/Paris"
    assert default["opening_hours"]["monday"] == [["09:00", "12:30"], ["13:30", "18:00"]]
    assert reception.patch(url, {"time_zone": "Europe/Paris"}, format="json").status_code == 403

    admin = api_as(org.admin)
    changed = admin.patch(url, {"opening_hours": {"monday": [["08:00", "20:00"]]},
                                "closed_days": [{"date": "2026-08-14", "label": "Pont"}]}, format="json")  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert changed.json()["closed_days"] == [{"date": "2026-08-14", "label": "Pont"}]
    assert AgencyCalendar.objects.get(agency=org.agency_a).opening_hours["monday"] == [["08:00", "20:00"]]
    wrong = admin.patch(url, {"opening_hours": {"monday": [["8h", "20h"]]}}, format="json")
    assert wrong.status_code == 400 and "opening_hours" in wrong.json()
    assert admin.get("/api/v1/business-hours/999999/").status_code == 404
    assert len(reception.get("/api/v1/business-hours/").json()["results"]) == 3


def test_the_admin_edits_the_hours_on_the_settings_page(org, wf, page_as):
    admin = page_as(org.admin)
    url = reverse("workflow:settings-calendar-edit", args=[org.agency_b.pk])
    assert "09:00-12:30, 13:30-18:00" in admin.get(url).content.decode()
    data = {f"hours_{day}": "09:00-12:30, 13:30-18:00" for day in ("monday", "tuesday", "wednesday", "thursday")}
    data.update({"hours_friday": "09:00-12:00", "time_zone": "Europe/Paris", "closed_on_public_holidays": "on",
                 "holiday_subdivision": "", "closed_days": "2026-12-24 Veille de Noël"})  # fmt: skip

    saved = admin.post(url, data)

    assert saved.status_code == 302
    calendar = AgencyCalendar.objects.get(agency=org.agency_b)
    assert calendar.opening_hours["friday"] == [["09:00", "12:00"]] and calendar.opening_hours["saturday"] == []
    assert calendar.closed_days == [{"date": "2026-12-24", "label": "Veille de Noël"}]
    listing = admin.get(reverse("workflow:settings-calendars")).content.decode()
    assert "Veille de Noël" in listing
    wrong = admin.post(url, {**data, "hours_monday": "nine to five"})
    assert wrong.status_code == 400 and "HH:MM" in wrong.content.decode()
    assert page_as(org.manager_a).get(url).status_code == 403
