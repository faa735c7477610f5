from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language"),
    path("organisation/", views.organisation, name="organisation"),
    path("organisation/teams/", views.team_create, name="team_create"),
    path("organisation/people/", views.user_create, name="user_create"),
    path("organisation/memberships/", views.membership_start, name="membership_start"),
    path(
        "organisation/memberships/<int:membership_id>/reassign/", views.membership_reassign, name="membership_reassign"
    ),  # fmt: skip
    path("organisation/memberships/<int:membership_id>/end/", views.membership_end, name="membership_end"),
]
