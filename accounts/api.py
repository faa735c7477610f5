"""The organisation over HTTP (DESIGN.md section 10): API keys, regions, agencies, teams, people, memberships.

Everyone signed in may read regions, agencies and teams (a client form names an agency); people and
memberships are for organisation admins only, as is every write. Writes call `accounts.services`.
"""

from django.contrib.auth import authenticate
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import Agency, Membership, Region, Team, TeamKind, TeamScope, User
from accounts.permissions import IsOrgAdmin, OrgAdminWritesOthersRead
from common.api import ErrorSerializer, IdFilter, validated
from common.errors import InvalidInput

# --- API keys -----------------------------------------------------------------------------------------


class SignInLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many failed sign-ins: try again later.")
    default_code = "locked_out"


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainView(APIView):
    """Exchange a username and password for the person's API key (`Authorization: Token <key>`)."""

    # Credentials travel in the body: no session (and so no CSRF check) is involved.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenSerializer, 400: ErrorSerializer, 429: ErrorSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = validated(TokenInputSerializer, request)
        # Through django.contrib.auth with the request, so django-axes counts failures and locks out.
        # Axes flags a lockout on the object it is given: the DRF request, read back just below.
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if getattr(request, "axes_locked_out", False):
            raise SignInLockedOut()
        if user is None:
            raise InvalidInput({}, message=_("Unable to sign in with these credentials."))
        # An API key is a sign-in credential, not an organisation change: nothing to trace.
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# --- Regions, agencies, teams ---------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "code"]


class RegionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=20)


class RegionViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = RegionSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.regions()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(RegionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(RegionSerializer(self.get_object()).data)

    @extend_schema(request=RegionInputSerializer, responses={201: RegionSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        region = services.region_create(actor=request.user, **validated(RegionInputSerializer, request))
        return Response(RegionSerializer(region).data, status=status.HTTP_201_CREATED)


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "code", "region"]


class AgencyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=20)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())


class AgencyFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")

    class Meta:
        model = Agency
        fields = ["region"]


class AgencyViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.agencies()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AgencySerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(AgencySerializer(self.get_object()).data)

    @extend_schema(request=AgencyInputSerializer, responses={201: AgencySerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        agency = services.agency_create(actor=request.user, **validated(AgencyInputSerializer, request))
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "kind", "scope", "agency", "region", "is_active"]


class TeamInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=TeamKind.choices)
    scope = serializers.ChoiceField(choices=TeamScope.choices)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all(), required=False, allow_null=True)


class TeamFilter(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    region = IdFilter(field_name="region_id")

    class Meta:
        model = Team
        fields = ["kind", "scope", "agency", "region", "is_active"]


class TeamViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.teams_with_units()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TeamSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(TeamSerializer(self.get_object()).data)

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        team = services.team_create(actor=request.user, **validated(TeamInputSerializer, request))
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


# --- People and memberships -----------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email", "first_name", "last_name", "is_active"]


class UserUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class UserCreateSerializer(UserUpdateSerializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    # Optional: without one the person cannot sign in with a password until an admin sets it.
    password = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, style={"input_type": "password"}
    )


class UserViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, IsOrgAdmin]
    serializer_class = UserSerializer
    filterset_fields = ["is_active"]
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.users()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(UserSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(UserSerializer(self.get_object()).data)

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        user = services.user_create(actor=request.user, **validated(UserCreateSerializer, request))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateSerializer, responses={200: UserSerializer, 400: ErrorSerializer})
    def partial_update(self, request: Request, pk: int) -> Response:
        user = self.get_object()
        user = services.user_update(
            actor=request.user, user_id=user.pk, **validated(UserUpdateSerializer, request, partial=True)
        )
        return Response(UserSerializer(user).data)


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "team", "started_at", "ended_at", "is_lead"]


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    started_at = serializers.DateTimeField(required=False)
    is_lead = serializers.BooleanField(required=False)


class MembershipEndSerializer(serializers.Serializer):
    ended_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Default: now."))


class MembershipReassignSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), help_text=gettext_lazy("The team the person moves to.")
    )


class MembershipFilter(filters.FilterSet):
    user = IdFilter(field_name="user_id")
    team = IdFilter(field_name="team_id")
    open = filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label=gettext_lazy("Still open"))

    class Meta:
        model = Membership
        fields = ["user", "team", "open"]


class MembershipViewSet(viewsets.GenericViewSet):
    """Who is in which team, when. Ended memberships stay: they are the history."""

    permission_classes = [IsAuthenticated, IsOrgAdmin]
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.memberships()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(MembershipSerializer(self.get_object()).data)

    @extend_schema(
        request=MembershipInputSerializer,
        responses={201: MembershipSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    def create(self, request: Request) -> Response:
        membership = services.membership_start(actor=request.user, **validated(MembershipInputSerializer, request))
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MembershipEndSerializer,
        responses={200: MembershipSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_get(membership_id=pk)
        data = validated(MembershipEndSerializer, request)
        membership = services.membership_end(actor=request.user, membership_id=membership.pk, **data)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        request=MembershipReassignSerializer,
        responses={201: MembershipSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        description="Move the person to another team in one step: this membership ends and a new one starts "
        "at the same instant. Their rights follow on their next request. Answers the new membership.",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_get(membership_id=pk)
        team = validated(MembershipReassignSerializer, request)["team"]
        new = services.person_reassign(actor=request.user, membership_id=membership.pk, to_team=team)
        return Response(MembershipSerializer(new).data, status=status.HTTP_201_CREATED)
