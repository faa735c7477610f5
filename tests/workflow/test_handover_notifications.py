"""A handover (the organisation, issue 8) told as the notifications of issue 8 item 7 tell work landing on someone.

The successor hears who handed the item over, with the item and the client in words; work handed back
to a queue is news for that queue; a closing team's queued work stops counting on the old queue's
bell and lands on the successor team's.
"""

from django.utils import translation

from accounts.models import Membership
from accounts.services import membership_end, team_close
from tests.factories import make_member, make_team
from workflow import services
from workflow.models import Notification, NotificationTopic
from workflow.notifications import describe


def _billing_request(org, subject="Invoice twice"):
    return services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                           subject=subject, fields={"invoice_number": "F-1"})  # fmt: skip


def _membership(user) -> Membership:
    return Membership.objects.get(user=user, ended_at__isnull=True)


def test_the_successor_hears_who_handed_the_request_over_naming_the_item_and_the_client(org, wf):
    request = _billing_request(org)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    colleague = make_member(team=org.billing_team_north, username="billing_north2")

    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk,
                   successors={"requests": colleague})  # fmt: skip

    (note,) = Notification.objects.filter(recipient=colleague, verb="handed_over")
    assert (note.topic, note.actor_id, note.item_id) == (NotificationTopic.GIVEN_TO_ME, org.admin.pk, request.pk)
    with translation.override("en"):
        (english,) = describe([note], reader=colleague)
        assert english.text == f"{org.admin} handed SR-{request.pk} “Invoice twice” over to you — Boulangerie Dupont"
    with translation.override("fr"):
        (french,) = describe([note], reader=colleague)
        assert french.text == f"{org.admin} vous a transmis SR-{request.pk} « Invoice twice » — Boulangerie Dupont"
    assert not Notification.objects.filter(recipient=org.billing_north, verb="handed_over").exists()


def test_a_request_handed_back_to_its_queue_is_news_for_the_queue(org, wf):
    request = _billing_request(org)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    colleague = make_member(team=org.billing_team_north, username="billing_north2")

    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk)

    (note,) = Notification.objects.filter(verb="handed_over", item_id=request.pk)
    assert (note.recipient, note.topic) == (colleague, NotificationTopic.TEAM_QUEUE)


def test_a_closing_teams_queued_work_leaves_its_bell_and_lands_on_the_successor_teams(org, wf):
    request = _billing_request(org)  # waits in Facturation Nord's queue
    queue_news = Notification.objects.get(recipient=org.billing_north, verb="created", item_id=request.pk)
    assert queue_news.read_at is None
    successor_team = make_team(kind="billing", agency=org.agency_a, name="Facturation Lille")
    newcomer = make_member(team=successor_team, username="billing_lille")
    membership_end(actor=org.admin, membership_id=_membership(org.billing_north).pk)

    team_close(actor=org.admin, team_id=org.billing_team_north.pk, successor_team=successor_team)

    queue_news.refresh_from_db()
    assert queue_news.read_at is not None  # the old queue no longer holds it: no longer counted
    (note,) = Notification.objects.filter(verb="handed_over", item_id=request.pk)
    assert (note.recipient, note.topic, note.read_at) == (newcomer, NotificationTopic.TEAM_QUEUE, None)
