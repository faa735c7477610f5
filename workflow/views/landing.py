"""The site's root: send each person to their main screen (`workflow.landing.landing_url_for`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from workflow.landing import landing_url_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    url = landing_url_for(request.user)
    return redirect(url) if url else render(request, "home.html")
