"""Campaign and potential pages: who lands where, who sees what (404 out of scope), and the forms."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from workflow.models_campaigns import Campaign, Potential, PotentialImport
from workflow.services.potentials import potential_create

pytestmark = pytest.mark.django_db


def test_callers_land_on_their_call_list_and_marketing_on_its_campaigns(page_as, camp, sales, org, running):
    assert page_as(sales.telemarketing).get("/").url == reverse("workflow:call-lists")
    assert page_as(sales.telesales).get("/").url == reverse("workflow:call-lists")
    assert page_as(camp.marketing).get("/").url == reverse("workflow:campaigns")
    assert page_as(org.reception_a).get("/").url == reverse("crm:console")
    page = page_as(sales.telemarketing).get(reverse("workflow:call-lists"))
    assert running.name in page.content.decode() and b"Next call" in page.content


def test_salespeople_get_my_potentials_in_the_navigation(page_as, org, camp):
    page = page_as(org.sales_a).get(reverse("workflow:inbox"))
    assert reverse("workflow:potentials").encode() in page.content
    assert reverse("workflow:potentials").encode() not in page_as(org.reception_a).get(reverse("crm:console")).content


def test_the_call_page_shows_the_client_script_and_outcomes(page_as, sales, running, org):
    page = page_as(sales.telemarketing)
    response = page.get(reverse("workflow:call-next", args=[running.pk]))
    assert response.status_code == 302
    call = page.get(response.url)
    text = call.content.decode()
    assert "Bonjour, ..." in text and "Not reachable" in text and "Basic product sold" in text
    target_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    refused = page.post(reverse("workflow:target-call", args=[target_id]), {"outcome": "callback"})
    assert refused.status_code == 400 and b"Enter a date and time." in refused.content
    done = page.post(reverse("workflow:target-call", args=[target_id]), {"outcome": "not_interested"})
    assert done.status_code == 302
    assert page_as(org.reception_b).get(reverse("workflow:target-call", args=[target_id])).status_code == 404
    assert page_as(org.reception_b).get(reverse("workflow:campaign-detail", args=[running.pk])).status_code == 404


def test_marketing_defines_and_launches_a_campaign_from_its_pages(page_as, camp, sales, org):
    page = page_as(camp.marketing_north)
    today = timezone.localdate()
    response = page.post(reverse("workflow:campaign-create"), {
        "name": "Relance box", "product": sales.box.pk, "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=9)).isoformat(), "team": sales.telesales_team.pk})  # fmt: skip
    assert response.status_code == 302, response.content
    campaign = Campaign.objects.get(name="Relance box")
    detail = page.get(response.url).content.decode()
    assert f"puts {len(camp.north_clients)} clients on the call list" in detail
    page.post(reverse("workflow:campaign-launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "running" and campaign.targets_total == len(camp.north_clients)
    wrong = page.post(reverse("workflow:campaign-create"), {"name": "X", "product": sales.box.pk,
                      "starts_on": today.isoformat(), "ends_on": today.isoformat(),
                      "team": sales.telemarketing_team.pk})  # fmt: skip
    assert wrong.status_code == 400
    assert page_as(org.sales_a).get(reverse("workflow:campaign-create")).status_code == 403


def test_potential_pages_list_explore_enter_and_import(page_as, camp, org, sales, django_capture_on_commit_callbacks):
    deadline = timezone.localdate() + timedelta(days=5)
    potential = potential_create(actor=camp.marketing, client_id=org.client_a.pk, deadline=deadline)
    mine = page_as(org.sales_a).get(reverse("workflow:potentials")).content.decode()
    assert potential.reference in mine and "Mark explored" in mine
    page_as(org.sales_a).post(reverse("workflow:potential-explore", args=[potential.pk]), {"outcome": "refused"})
    assert Potential.objects.get(pk=potential.pk).outcome == "refused"
    scope = page_as(org.manager_a).get(reverse("workflow:potentials") + "?view=scope").content.decode()
    assert potential.reference in scope and "In time" in scope

    marketing = page_as(camp.marketing_north)
    entered = marketing.post(reverse("workflow:potentials-manage"), {"client": org.client_a.pk,
                                                                     "deadline": deadline.isoformat()})  # fmt: skip
    assert entered.status_code == 302
    csv = f"client,deadline\n{org.client_a.pk},{deadline.isoformat()}\n{org.client_a.pk},demain\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        started = marketing.post(reverse("workflow:potentials-manage"),
                                 {"kind": "import", "file": SimpleUploadedFile("p.csv", csv, "text/csv")})  # fmt: skip
    assert started.status_code == 302
    job = PotentialImport.objects.get()
    progress = marketing.get(started.url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="import-progress"' in progress and "2 of 2 rows read" in progress and "1 row refused" in progress
    assert "hx-trigger" not in progress  # done: the page stops polling
    assert page_as(camp.marketing).get(reverse("workflow:potential-import", args=[job.pk])).status_code == 404


def test_pages_speak_french(page_as, sales, running):
    page = page_as(sales.telemarketing)
    response = page.get(reverse("workflow:call-lists"), headers={"Accept-Language": "fr"})
    assert "Mes listes d'appels" in response.content.decode() and "Appel suivant" in response.content.decode()


def test_walk_in_french_the_progress_figures_and_the_agency_filter_read_right(page_as, camp, sales, running):
    """Walk: "Joints: 7" lacked French's space before the colon, and the agency filter said "Tous" (masculine)."""
    for user in (camp.marketing, sales.telemarketing):
        user.language = "fr"
        user.save(update_fields=["language"])
    detail = page_as(sales.telemarketing).get(reverse("workflow:campaign-detail", args=[running.pk])).content.decode()
    assert "Joints : <strong>" in detail and "Transformés : <strong>" in detail
    form = page_as(camp.marketing).get(reverse("workflow:campaign-create")).content.decode()
    assert re.search(r'id="id_agency">\s*<option value="" selected>Toutes</option>', form)
