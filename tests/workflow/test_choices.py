"""Choices that fit (issue 8 items 5 and 10): a lead goes only to a salesperson covering the client's
agency, never to a manager as such; every status reads in distinct words, in French too."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import rights
from accounts.services import delegate_grant, membership_start
from common.errors import InvalidInput
from tests.factories import UserFactory, make_member, make_team
from workflow import services
from workflow.models import LeadStatus, RequestStatus
from workflow.selectors import lead_reassign_candidates


def test_the_salespeople_of_the_agency_are_the_candidates_not_its_managers_nor_another_agency(org, wf):
    sales_b = make_member(team=make_team(kind="sales", agency=org.agency_b), username="sales_b")
    delegate = UserFactory(username="delegate_a")
    delegate_grant(actor=org.admin, user=delegate, agency=org.agency_a, perm=rights.WORK_LEADS)

    candidates = {person.username for person in lead_reassign_candidates(agency_ids=[org.agency_a.pk])[org.agency_a.pk]}

    assert candidates == {"sales_a", "sales_a2", "delegate_a"}
    assert "manager_a" not in candidates and sales_b.username not in candidates


def test_reassigning_to_a_manager_or_another_agencys_salesperson_is_a_400_naming_assignee(org, wf):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    sales_b = make_member(team=make_team(kind="sales", agency=org.agency_b), username="sales_b")
    for person in (org.manager_a, sales_b):
        with pytest.raises(InvalidInput) as refused:
            services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=person.pk)
        assert "assignee" in refused.value.fields
    moved = services.lead_reassign(lead_id=lead.pk, actor=org.manager_a, assignee_id=org.sales_a2.pk)
    assert moved.assignee == org.sales_a2


def test_the_reassign_list_offers_neither_the_manager_himself_nor_the_holder(org, wf, page_as):
    lead = services.lead_create(sender=org.reception_a, client_id=org.client_a.pk, subject="Fibre")
    # A manager who also sells: still not offered his own reassignment.
    selling_manager = make_member(team=org.management_team_a, username="selling_manager")
    membership_start(actor=org.admin, user=selling_manager, team=org.sales_team_a)

    for url in (reverse("workflow:lead-detail", args=[lead.pk]), reverse("workflow:inbox")):
        page = page_as(selling_manager).get(url)
        if "panels" in page.context:
            form = next(panel for panel in page.context["panels"] if panel.name == "reassign").form
        else:
            form = page.context["rows"][0].reassign_form
        offered = {value for value, _label in form.fields["assignee"].choices if value}
        assert selling_manager.pk not in offered and org.sales_a.pk not in offered  # himself, the holder
        assert org.sales_a2.pk in offered and org.manager_a.pk not in offered


def test_every_status_has_distinct_words_in_french_and_the_filters_do_not_repeat_them():
    with translation.override("fr"):
        for statuses in (RequestStatus, LeadStatus):
            labels = [str(label) for label in statuses.labels]
            assert len(set(labels)) == len(labels), labels
        open_filter = translation.gettext("All open requests")
        assert open_filter not in [str(label) for label in RequestStatus.labels]
        assert translation.gettext("Open") not in [str(label) for label in RequestStatus.labels]
        assert str(RequestStatus.IN_PROGRESS.label) == "En cours"
