"""The site's root, included at "" by `config.urls` outside the /work/ namespace: its name stays
`home`, which LOGIN_REDIRECT_URL, the navigation bar and the error pages use."""

from django.urls import path

from workflow.views import landing

urlpatterns = [
    path("", landing.home, name="home"),
]
