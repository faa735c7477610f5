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
    path("organisation/people/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("organisation/people/<int:user_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("organisation/people/<int:user_id>/password-reset/", views.user_password_reset, name="user_password_reset"),
    path("organisation/teams/<int:team_id>/close/", views.team_close, name="team_close"),
    path("organisation/<str:unit>/<int:unit_id>/rename/", views.unit_rename, name="unit_rename"),
    path("organisation/<str:unit>/<int:unit_id>/close/", views.unit_close, name="unit_close"),
    # Django's password-reset flow: asking for a link, and the link's pages.
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
