"""What a notification says (issue 8, item 7): the client, the item, who acted, what happened, in the reader's language.

It is put into words when read, from the ids it stores, and names only what the reader may see now:
a lead's subject never reaches someone who only follows the lead's status.
"""

from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership
from accounts.rights import SYSTEM, forget_rights
from accounts.services import membership_end
from tests.factories import ProductFactory
from workflow import events, services
from workflow.models import Notification
from workflow.notifications import describe, notification_text
from workflow.services.notifications import notification_preferences_set, notify


def _billing_request(org, subject="Invoice too high"):
    return services.service_request_create(sender=org.reception_a, client_id=org.client_a.pk, category="billing",
                                           subject=subject, fields={"invoice_number": "F-1"})  # fmt: skip


def _resolved_request(org):
    request = _billing_request(org)
    services.service_request_claim(request_id=request.pk, user=org.billing_north)
    services.service_request_start(request_id=request.pk, user=org.billing_north)
    services.service_request_resolve(request_id=request.pk, user=org.billing_north, resolution="Credit note")
    return request


def _only(recipient, **filters) -> Notification:
    (notification,) = Notification.objects.filter(recipient=recipient, **filters)
    return notification


def test_a_notification_names_who_acted_the_item_with_its_subject_and_the_client(org, wf):
    request = _resolved_request(org)
    note = _only(org.reception_a, verb="resolved")

    assert (note.actor_id, note.client_id, note.item_id) == (org.billing_north.pk, org.client_a.pk, request.pk)
    assert note.trace_event_id is not None  # the event it announces, in the trace
    assert (
        notification_text(note)
        == f"{org.billing_north} resolved SR-{request.pk} “Invoice too high” — Boulangerie Dupont"
    )


def test_it_reads_in_the_language_of_whoever_reads_it_when_they_read_it(org, wf):
    request = _resolved_request(org)
    note = _only(org.reception_a, verb="resolved")
    with translation.override("fr"):
        (french,) = describe([note], reader=org.reception_a)
        assert french.text == f"{org.billing_north} a résolu SR-{request.pk} « Invoice too high » — Boulangerie Dupont"
    with translation.override("en"):
        (english,) = describe([note], reader=org.reception_a)
        assert english.text.startswith(f"{org.billing_north} resolved SR-{request.pk}")


def test_every_notice_reads_in_both_languages_with_its_actor_and_item(org, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    for verb in ("created", "assigned", "transferred", "resolved", "reopened", "cancelled", "requalified", "commented",
                 "won", "lost", "reassigned", "claimed", "waiting_client", "accepted"):  # fmt: skip
        note = Notification(recipient=org.sales_a, key=verb, verb=verb, item_kind="lead", item_id=lead.pk,
                            client_id=lead.client_id, actor=org.manager_a)  # fmt: skip
        texts = {}
        for language in ("en", "fr"):
            with translation.override(language):
                texts[language] = text = describe([note], reader=org.sales_a)[0].text
            assert str(org.manager_a) in text and f"L-{lead.pk} " in text and "Boulangerie Dupont" in text, text
            assert f": {verb}" not in text, text  # words, not the stored code
        assert texts["en"] != texts["fr"], verb


def test_what_relais_does_by_itself_names_no_person(org, wf):
    request = _billing_request(org)
    (reminder,) = notify(event=events.REQUEST_SLA_REMINDED, item=request, key="sla:test")
    assert reminder.actor_id is None
    assert (
        notification_text(reminder)
        == f"SR-{request.pk} “Invoice too high” is past its target: please act — Boulangerie Dupont"
    )

    (from_the_web,) = notify(event=events.REQUEST_CREATED, item=request, key="intake:test")  # the web form: no actor
    assert notification_text(from_the_web).startswith(f"Relais sent SR-{request.pk}")


def test_a_leads_sender_reads_its_outcome_and_client_but_never_its_subject(org, wf, django_capture_on_commit_callbacks):
    notification_preferences_set(user=org.reception_a, email={"outcomes": True})
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Wants 40 lines, budget 90k")
    services.lead_accept(lead_id=lead.pk, user=org.sales_a, potential_amount="90000", probability=60)
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_won(lead_id=lead.pk, user=org.sales_a, amount="90000", product_id=ProductFactory().pk)

    (won,) = describe([_only(org.reception_a, verb="won")], reader=org.reception_a)
    assert won.text == f"{org.sales_a} marked L-{lead.pk} as won — Boulangerie Dupont"
    assert won.subject is None and "40 lines" not in won.text
    assert won.url == reverse("workflow:lead-status", args=[lead.pk])  # its status page: its own page is a 404
    (email,) = [m for m in mail.outbox if m.to == [org.reception_a.email]]
    assert "40 lines" not in email.subject + email.body and f"L-{lead.pk}" in email.subject

    (created,) = describe([_only(org.sales_a, verb="created")], reader=org.sales_a)  # the salesperson reads it
    assert created.subject == "Wants 40 lines, budget 90k" and "40 lines" in created.text
    assert created.url == reverse("workflow:lead-detail", args=[lead.pk])


def test_a_salesperson_whose_lead_went_to_a_colleague_keeps_its_status_not_its_subject(org, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Secret project")
    services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.sales_a2.pk)

    (before,) = describe([_only(org.sales_a, verb="created")], reader=org.sales_a)
    assert "Secret project" not in before.text and "Boulangerie Dupont" in before.text
    assert before.url == reverse("workflow:lead-status", args=[lead.pk])


def test_someone_who_left_the_team_reads_only_the_reference_of_an_item_out_of_their_sight(org, wf):
    request = _billing_request(org)
    membership = Membership.objects.get(user=org.billing_north, ended_at__isnull=True)
    membership_end(actor=SYSTEM, membership_id=membership.pk, ended_at=timezone.now())
    forget_rights()

    (note,) = describe([_only(org.billing_north, verb="created")], reader=org.billing_north)
    assert note.text == f"{org.reception_a} sent SR-{request.pk}"
    assert (note.client_name, note.subject, note.url) == (None, None, "")


def test_an_email_subject_is_one_line_whatever_the_items_subject(org, wf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk,
                                    subject="Line one\r\nBcc: someone@example.com " + "x" * 150)  # fmt: skip
    (email,) = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject and len(email.subject) <= 150
    assert email.subject.startswith(f"[Relais] {org.reception_a} sent L-{lead.pk} “Line one Bcc:")
    assert reverse("workflow:notification-preferences") in email.body  # where to choose what comes by e-mail
