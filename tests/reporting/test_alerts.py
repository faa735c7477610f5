"""Done 4: on a frozen clock, a rule crossing its threshold raises exactly one alert to the unit's managers;
acknowledging it and the condition clearing move it on; crossing again raises a new one."""

import pytest
import time_machine
from django.core import mail

from common.errors import Conflict, NotFound
from reporting.alerts import evaluate_rules, visible_alerts
from reporting.build import refresh_incremental
from reporting.models import Alert, AlertNotice, AlertStatus
from reporting.services import alert_acknowledge, alert_rule_create
from tests.factories import make_member, make_team
from tests.reporting.conftest import at
from trace.models import TraceEvent
from workflow import services as wf_services


@pytest.fixture
def manager_north(org):
    return make_member(team=make_team(kind="management", region=org.north, name="Direction Nord"),
                       username="manager_north", email="north@example.com")  # fmt: skip


def refresh_and_evaluate(moment):
    with time_machine.travel(moment, tick=False):
        refresh_incremental()
        return evaluate_rules()


def test_an_alert_is_raised_once_acknowledged_resolved_and_raised_again(org, history, manager_north,
                                                                        django_capture_on_commit_callbacks):  # fmt: skip
    org.manager_a.email = "lille@example.com"
    org.manager_a.save()
    rule = alert_rule_create(actor=manager_north, name="Backlog in the north", metric="backlog",
                             scope=f"region:{org.north.pk}", each="agency", comparison="gt", threshold=0,
                             window_days=7)  # fmt: skip
    # Wednesday evening: Lille holds R1 and R3 open, Amiens nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_and_evaluate(at(6, 20)) == {"raised": 1, "resolved": 0}
    alert = Alert.objects.get()
    assert (alert.unit_kind, alert.unit_id, alert.status, alert.value) == ("agency", org.agency_a.pk, "open", 2)
    # The managers of Lille: its own and the region's, in the app and by e-mail, once each.
    assert {n.recipient for n in AlertNotice.objects.all()} == {org.manager_a, manager_north}
    assert sorted(m.to[0] for m in mail.outbox) == ["lille@example.com", "north@example.com"]
    # While it holds, evaluating again raises nothing.
    assert refresh_and_evaluate(at(6, 21)) == {"raised": 0, "resolved": 0}
    assert Alert.objects.count() == 1
    # Acknowledged by Lille's manager (nobody else outside the unit even sees it).
    with pytest.raises(NotFound):
        alert_acknowledge(actor=org.sales_a, alert_id=alert.pk)
    with time_machine.travel(at(6, 22), tick=False):
        alert_acknowledge(actor=org.manager_a, alert_id=alert.pk)
    with pytest.raises(Conflict):
        alert_acknowledge(actor=manager_north, alert_id=alert.pk)
    assert refresh_and_evaluate(at(6, 23)) == {"raised": 0, "resolved": 0}
    # Thursday: both requests resolved, the condition clears.
    with time_machine.travel(at(7, 10), tick=False):
        for request in (history.r1, history.r3):
            team = request.__class__.objects.get(pk=request.pk).team
            worker = org.after_sales_north if team == org.after_sales_team_north else org.billing_north
            wf_services.service_request_claim(request_id=request.pk, user=worker)
            wf_services.service_request_resolve(request_id=request.pk, user=worker, resolution="Done")
    assert refresh_and_evaluate(at(7, 20)) == {"raised": 0, "resolved": 1}
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.acknowledged_by == org.manager_a
    # Friday: a new request in Lille, the threshold is crossed again: a new alert.
    with time_machine.travel(at(8, 10), tick=False):
        wf_services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                           subject="Again", fields={"invoice_number": "F9"})  # fmt: skip
    assert refresh_and_evaluate(at(8, 20)) == {"raised": 1, "resolved": 0}
    assert list(Alert.objects.order_by("pk").values_list("status", flat=True)) == ["resolved", "open"]
    actions = list(TraceEvent.objects.filter(action__startswith="reporting.alert.").values_list("action", flat=True))
    assert actions == ["reporting.alert.raised", "reporting.alert.acknowledged", "reporting.alert.resolved",
                       "reporting.alert.raised"]  # fmt: skip
    assert rule.alerts.count() == 2
    assert set(visible_alerts(org.manager_a)) == set(Alert.objects.all())
    assert not visible_alerts(org.sales_a).exists()


def test_an_alert_email_goes_once_whatever_the_deliveries(org, history, manager_north):
    from reporting.alerts import alert_email_send

    alert_rule_create(actor=org.admin, name="Any backlog", metric="backlog", scope="national", comparison="gt",
                      threshold=0, window_days=1)  # fmt: skip
    refresh_and_evaluate(at(6, 20))
    notices = list(AlertNotice.objects.all())
    assert [n.recipient for n in notices] == []  # nobody manages the whole nation in this organisation
    alert_rule_create(actor=manager_north, name="North", metric="backlog", scope=f"region:{org.north.pk}",
                      comparison="gt", threshold=0, window_days=1)  # fmt: skip
    refresh_and_evaluate(at(6, 21))
    (notice,) = AlertNotice.objects.all()
    assert alert_email_send(notice_id=notice.pk) is True
    assert alert_email_send(notice_id=notice.pk) is False
    assert len(mail.outbox) == 1 and "North" in mail.outbox[0].subject
