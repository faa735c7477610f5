"""The layout keeps the strict Content Security Policy: our own files only, nothing inline."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

STATIC_REFERENCE = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"')


def _pages(org):
    return [
        (None, reverse("accounts:login")),
        (org.reception_a, reverse("crm:console")),
        (org.reception_a, reverse("crm:client_detail", args=[org.client_a.pk])),
        (org.reception_a, reverse("crm:client_create")),
        (org.admin, reverse("accounts:organisation")),
    ]


@pytest.mark.parametrize("index", range(5))
def test_pages_use_only_local_assets_and_nothing_inline(client, org, index):
    user, url = _pages(org)[index]
    if user:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
    assert "<style" not in page and ' style="' not in page, "inline style"
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assets = STATIC_REFERENCE.findall(page)
    assert any(a.endswith("bootstrap.min.css") for a in assets) and any(a.endswith("htmx-2.min.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset


def test_htmx_configuration_is_valid_json(page_as, org):
    page = page_as(org.reception_a).get(reverse("crm:console")).content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'", page).group(1))
    assert config["includeIndicatorStyles"] is False  # htmx would otherwise inject a <style> the CSP refuses
