"""Campaign pages ask the actor's right before reading the form (found by the permission matrix)."""

import pytest
from django.test import Client

from workflow.models_campaigns import Campaign

pytestmark = pytest.mark.django_db


def test_a_post_to_the_new_campaign_page_by_someone_not_in_marketing_is_refused_403(org, camp, sales):
    browser = Client()
    browser.force_login(org.reception_a)

    empty = browser.post("/work/campaigns/new/", {})
    filled = browser.post("/work/campaigns/new/", {"name": "Mobile pro", "product": sales.mobile.pk})

    assert (empty.status_code, filled.status_code) == (403, 403)
    assert not Campaign.objects.exists()


def test_marketing_posting_an_empty_campaign_form_gets_it_back_with_its_errors(camp):
    browser = Client()
    browser.force_login(camp.marketing_north)

    response = browser.post("/work/campaigns/new/", {})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
