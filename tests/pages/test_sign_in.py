import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SlidingSessionMiddleware
from accounts.models import User


def test_login_page_answers(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_a_wrong_password_shows_the_form_again_with_an_error(client, org):
    response = client.post(reverse("accounts:login"), {"username": "reception_a", "password": "wrong-one"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_signing_in_leads_a_reception_agent_to_the_console(client, org):
    response = client.post(reverse("accounts:login"), {"username": "reception_a", "password": "pass-word-123"})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(response.url).url == reverse("crm:console")


def test_signing_in_keeps_the_page_asked_for(client, org):
    wanted = reverse("crm:client_detail", args=[org.client_a.pk])
    login_page = client.get(wanted)
    assert login_page.status_code == 302 and login_page.url.startswith(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": "reception_a", "password": "pass-word-123", "next": wanted}
    )
    assert response.url == wanted


def test_an_administrator_in_no_team_lands_on_the_organisation_page(page_as, org):
    assert page_as(org.admin).get(reverse("home")).url == reverse("accounts:organisation")


def test_someone_in_no_team_is_told_so_rather_than_shown_an_empty_console(page_as, org):
    response = page_as(org.outsider).get(reverse("home"))
    assert response.status_code == 200
    assert "home.html" in [t.name for t in response.templates]


def test_signing_out_is_a_post(page_as, org):
    client = page_as(org.reception_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")
    assert client.get(reverse("crm:console")).status_code == 302


def test_navigation_follows_the_persons_teams(page_as, org):
    reception_page = page_as(org.reception_a).get(reverse("crm:console")).content.decode()
    assert reverse("crm:console") in reception_page
    assert reverse("accounts:organisation") not in reception_page
    admin_page = page_as(org.admin).get(reverse("accounts:organisation")).content.decode()
    assert reverse("accounts:organisation") in admin_page


def test_choosing_english_is_saved_on_the_person_and_followed_by_every_page(page_as, org):
    client = page_as(org.reception_a)
    page = client.get(reverse("crm:console"), HTTP_ACCEPT_LANGUAGE="fr")  # a French browser
    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()
    assert "Rechercher un client" in page.content.decode()

    response = client.post(reverse("accounts:language"), {"language": "en", "next": reverse("crm:console")})

    assert response.status_code == 302 and response.url == reverse("crm:console")
    assert User.objects.get(pk=org.reception_a.pk).language == "en"
    client.cookies.clear()  # the choice must survive a new browser, not only the cookie
    client.force_login(org.reception_a)
    page = client.get(reverse("crm:console"), HTTP_ACCEPT_LANGUAGE="fr")  # the person's choice wins
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "Find a client" in page.content.decode()


def test_the_language_switch_works_before_signing_in(client, db):
    client.post(reverse("accounts:language"), {"language": "en", "next": reverse("accounts:login")})
    page = client.get(reverse("accounts:login"))
    assert '<html lang="en">' in page.content.decode()


def test_an_unknown_language_changes_nothing(page_as, org):
    client = page_as(org.reception_a)
    client.post(reverse("accounts:language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=org.reception_a.pk).language == ""


@pytest.mark.parametrize(
    "username, password",
    [("u" * 300, "whatever"), ("reception\x00_a", "x"), ("reception_a", "pass\x00word"), ("reception_a", "p" * 5000)],
)
def test_finding_08_long_username_or_nul_bytes_at_login_show_the_form_again(client, org, username, password):
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, org, mailoutbox):
    org.reception_a.email = "agent@relais.example"
    org.reception_a.save(update_fields=["email"])
    assert "password-reset" in client.get(reverse("accounts:login")).content.decode()

    asked = client.post(reverse("accounts:password_reset"), {"email": "agent@relais.example"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@relais.example"})

    assert asked.status_code == unknown.status_code == 302  # the same answer whether or not it is known
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "Une-phrase-de-passe-2026"
    saved = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert saved.status_code == 302
    assert User.objects.get(pk=org.reception_a.pk).check_password(new_password)
    signed_in = client.post(reverse("accounts:login"), {"username": "reception_a", "password": new_password})
    assert signed_in.status_code == 302


def test_finding_13_the_bells_poll_does_not_keep_an_idle_session_alive(client, org):
    """Every open page polls the bell every ten seconds: a tab left open must still be signed out when idle."""
    client.force_login(org.reception_a)
    session = client.session
    session[SlidingSessionMiddleware.KEY] = 0  # refreshed long ago: any activity would push the expiry back
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(hours=1))

    assert client.get(reverse("workflow:notification-bell")).status_code == 200
    assert Session.objects.get().expire_date < timezone.now() + timedelta(hours=1)

    assert client.get(reverse("workflow:notifications")).status_code == 200  # the person opens a page
    assert Session.objects.get().expire_date > timezone.now() + timedelta(hours=7)
