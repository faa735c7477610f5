from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts import api

app_name = "accounts_api"

# Path converters (`<int:pk>`): ids are integers in the URLs and in the schema.
router = SimpleRouter(use_regex_path=False)
router.register("regions", api.RegionViewSet, basename="region")
router.register("agencies", api.AgencyViewSet, basename="agency")
router.register("teams", api.TeamViewSet, basename="team")
router.register("users", api.UserViewSet, basename="user")
router.register("memberships", api.MembershipViewSet, basename="membership")

urlpatterns = [
    path("auth/token/", api.TokenObtainView.as_view(), name="token"),
    *router.urls,
]
