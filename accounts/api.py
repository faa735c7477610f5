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
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import handover, selectors, services
from accounts.models import Agency, Membership, Region, Team, TeamKind, TeamScope, User
from accounts.permissions import IsOrgAdmin, OrgAdminWritesOthersRead
from common.api import DateTimeField, ErrorSerializer, IdFilter, validated
from common.authentication import api_token_expires_at
from common.errors import InvalidInput

# --- API keys -----------------------------------------------------------------------------------------


class SignInLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = gettext_lazy("Too many failed sign-ins: try again later.")
    default_code = "locked_out"


class TokenInputSerializer(serializers.Serializer):
    # Bounded as the user model bounds them (a NUL byte is refused by DRF's CharField): an odd input
    # is a 400 here, never a database error while django-axes records the failure (issue 7, finding 8).
    username = serializers.CharField(max_length=User._meta.get_field("username").max_length)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField(help_text=gettext_lazy("The key stops opening the API then."))


class TokenObtainView(APIView):
    """Exchange a username and password for the person's API key (`Authorization: Token <key>`).

    The key lasts `API_TOKEN_TTL_HOURS` (`expires_at`) and dies when the password changes or the
    person is switched off; asking again then gives a new one, and until then the same one.
    """

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
        token = services.api_token_issue(user=user)
        return Response({"token": token.key, "expires_at": api_token_expires_at(token.created)})


# --- Handovers ------------------------------------------------------------------------------------------


def _handover_input_serializer() -> type[serializers.Serializer]:
    """{kind: successor id or null (the queue)} for every kind registered in `accounts.handover`."""
    fields = {
        key: serializers.PrimaryKeyRelatedField(
            queryset=User.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            help_text=gettext_lazy("Who takes them; null or missing: the queue."),
        )
        for key in handover.kinds()
    }
    return type("HandoverInputSerializer", (serializers.Serializer,), fields)


class HandoverLineSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    to = serializers.ChoiceField(choices=["person", "queue"])
    successor = serializers.IntegerField(allow_null=True)
    target = serializers.CharField(help_text=gettext_lazy("Who takes them, in words."))


def _handover_plan_serializer() -> type[serializers.Serializer]:
    # A handover names the kinds it moves: a team's closing moves its requests and leads, not accounts.
    fields = {key: HandoverLineSerializer(required=False) for key in handover.kinds()}
    return type("HandoverSerializer", (serializers.Serializer,), fields)


HandoverInputSerializer = _handover_input_serializer()
HandoverSerializer = _handover_plan_serializer()


class HandoverAnswerSerializer(serializers.Serializer):
    """What a preview answers: the handover that confirming would do."""

    handover = HandoverSerializer()


def _or_preview(done: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The answer of a step that may be previewed: what was done, or (with `preview`) only `handover`.

    For the schema only: `done` with every field but `handover` optional, so both answers fit it.
    """

    def get_fields(self) -> dict:
        fields = done.get_fields(self)
        for key, field in fields.items():
            if key != "handover":
                field.required, field.read_only = False, False
        return fields

    return type(f"{name}Serializer", (done,), {"get_fields": get_fields, "__doc__": _or_preview.__doc__})


def _preview(plan) -> Response:
    return Response({"handover": plan.as_dict()})


# --- Regions, agencies, teams ---------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "code", "is_active"]


class RegionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=20)


class RenameSerializer(serializers.Serializer):
    """Renaming: the code, which settings and imports name, never changes."""

    name = serializers.CharField(max_length=120)


class UnitViewSet(viewsets.GenericViewSet):
    """Regions, agencies and teams: read by everyone signed in; created, renamed and closed by
    organisation admins (403 for others; out-of-range ids 404)."""

    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    lookup_value_converter = "int"

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)


_RENAME_RESPONSES = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
_CLOSE_RESPONSES = {403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class RegionViewSet(UnitViewSet):
    serializer_class = RegionSerializer

    def get_queryset(self):
        return selectors.regions()

    @extend_schema(request=RegionInputSerializer, responses={201: RegionSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        region = services.region_create(actor=request.user, **validated(RegionInputSerializer, request))
        return Response(RegionSerializer(region).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenameSerializer, responses={200: RegionSerializer, **_RENAME_RESPONSES})
    def partial_update(self, request: Request, pk: int) -> Response:
        name = validated(RenameSerializer, request)["name"]
        region = services.region_update(actor=request.user, region_id=self.get_object().pk, name=name)
        return Response(RegionSerializer(region).data)

    @extend_schema(
        request=None,
        responses={200: RegionSerializer, **_CLOSE_RESPONSES},
        description="Close the region: it takes no new agency or team. 409 while it has open agencies or teams.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        region = services.region_close(actor=request.user, region_id=self.get_object().pk)
        return Response(RegionSerializer(region).data)


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "code", "region", "is_active"]


class AgencyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=20)
    region = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())


class AgencyFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")

    class Meta:
        model = Agency
        fields = ["region", "is_active"]


class AgencyViewSet(UnitViewSet):
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return selectors.agencies()

    @extend_schema(request=AgencyInputSerializer, responses={201: AgencySerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        agency = services.agency_create(actor=request.user, **validated(AgencyInputSerializer, request))
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenameSerializer, responses={200: AgencySerializer, **_RENAME_RESPONSES})
    def partial_update(self, request: Request, pk: int) -> Response:
        name = validated(RenameSerializer, request)["name"]
        agency = services.agency_update(actor=request.user, agency_id=self.get_object().pk, name=name)
        return Response(AgencySerializer(agency).data)

    @extend_schema(
        request=None,
        responses={200: AgencySerializer, **_CLOSE_RESPONSES},
        description="Close the agency: it takes no new team; its clients stay. 409 while it has open teams.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        agency = services.agency_close(actor=request.user, agency_id=self.get_object().pk)
        return Response(AgencySerializer(agency).data)


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


class TeamCloseSerializer(serializers.Serializer):
    successor_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The team of the same kind that takes the open work queued on this one."),
    )
    preview = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Only answer what closing would hand over; change nothing.")
    )


class TeamClosedSerializer(TeamSerializer):
    handover = HandoverSerializer(read_only=True)

    class Meta(TeamSerializer.Meta):
        fields = [*TeamSerializer.Meta.fields, "handover"]


class TeamFilter(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    region = IdFilter(field_name="region_id")

    class Meta:
        model = Team
        fields = ["kind", "scope", "agency", "region", "is_active"]


class TeamViewSet(UnitViewSet):
    serializer_class = TeamSerializer
    filterset_class = TeamFilter

    def get_queryset(self):
        return selectors.teams_with_units()

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        team = services.team_create(actor=request.user, **validated(TeamInputSerializer, request))
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenameSerializer, responses={200: TeamSerializer, **_RENAME_RESPONSES})
    def partial_update(self, request: Request, pk: int) -> Response:
        name = validated(RenameSerializer, request)["name"]
        team = services.team_update(actor=request.user, team_id=self.get_object().pk, name=name)
        return Response(TeamSerializer(team).data)

    @extend_schema(
        request=TeamCloseSerializer,
        responses={200: TeamClosedSerializer, 400: ErrorSerializer, **_CLOSE_RESPONSES},
        description="Close the team: its group loses every right at once and its open queued work goes to "
        "`successor_team` (required when there is some). 409 while people are still in it: move them first. "
        "With `preview`, answers only `handover`, the work that would move, and changes nothing.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        team = self.get_object()
        data = validated(TeamCloseSerializer, request)
        if data.pop("preview"):
            return _preview(services.team_close_plan(actor=request.user, team_id=team.pk, **data))
        plan = services.team_close(actor=request.user, team_id=team.pk, **data)
        team.refresh_from_db()
        return Response({**TeamSerializer(team).data, "handover": plan.as_dict()})


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


class HandoverChoiceSerializer(serializers.Serializer):
    handover = HandoverInputSerializer(
        required=False, help_text=gettext_lazy("Who takes each kind of open work and accounts; missing: the queue.")
    )
    preview = serializers.BooleanField(
        default=False, help_text=gettext_lazy("Only answer the handover that confirming would do; change nothing.")
    )


class UserHandedOverSerializer(UserSerializer):
    handover = HandoverSerializer(read_only=True)

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "handover"]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class UserViewSet(viewsets.GenericViewSet):
    """People: organisation admins only (403 for anyone else)."""

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

    @extend_schema(
        request=UserUpdateSerializer,
        responses={200: UserSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        description="`is_active: false` is refused (409, with the `handover` it would need) while the person "
        "holds open work or accounts: use `deactivate/`, which names who takes them.",
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        user = self.get_object()
        user = services.user_update(
            actor=request.user, user_id=user.pk, **validated(UserUpdateSerializer, request, partial=True)
        )
        return Response(UserSerializer(user).data)

    @extend_schema(
        request=HandoverChoiceSerializer,
        responses={
            200: _or_preview(UserHandedOverSerializer, "UserDeactivateAnswer"),
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="Switch the person's access off and hand over all their open work and accounts in the same "
        "step; their API key is revoked and their sessions end. With `preview`, answers only `handover`.",
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: int) -> Response:
        person = self.get_object()
        data = validated(HandoverChoiceSerializer, request)
        successors = data.get("handover")
        if data["preview"]:
            return _preview(services.user_deactivate_plan(actor=request.user, user_id=person.pk, successors=successors))
        plan = services.user_deactivate(actor=request.user, user_id=person.pk, successors=successors)
        person.refresh_from_db()
        return Response({**UserSerializer(person).data, "handover": plan.as_dict()})

    @extend_schema(
        request=None,
        responses={200: UserSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        description="Switch the person's access on again; the teams they are still in give their rights back.",
    )
    @action(detail=True, methods=["post"])
    def reactivate(self, request: Request, pk: int) -> Response:
        person = services.user_reactivate(actor=request.user, user_id=self.get_object().pk)
        return Response(UserSerializer(person).data)

    @extend_schema(
        request=None,
        responses={202: DetailSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
        description="E-mail the person a link to choose a new password (Django's reset flow). 400 without an "
        "e-mail address, 409 for a person whose access is off.",
    )
    @action(detail=True, methods=["post"], url_path="password-reset")
    def password_reset(self, request: Request, pk: int) -> Response:
        person = services.user_send_password_reset(actor=request.user, user_id=self.get_object().pk)
        return Response(
            {"detail": _("A link to choose a new password was sent to %(person)s.") % {"person": person}},
            status=status.HTTP_202_ACCEPTED,
        )


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "team", "started_at", "ended_at", "is_lead"]


class MembershipInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    started_at = DateTimeField(required=False)
    is_lead = serializers.BooleanField(required=False)


class MembershipEndSerializer(HandoverChoiceSerializer):
    ended_at = DateTimeField(required=False, help_text=gettext_lazy("Default: now; never later."))


class MembershipReassignSerializer(HandoverChoiceSerializer):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), help_text=gettext_lazy("The team the person moves to.")
    )


class MembershipChangedSerializer(MembershipSerializer):
    handover = HandoverSerializer(read_only=True, help_text=gettext_lazy("What the person handed over, and to whom."))

    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "handover"]


def _changed(change) -> dict:
    return {**MembershipSerializer(change.membership).data, "handover": change.handover.as_dict()}


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
        responses={
            200: _or_preview(MembershipChangedSerializer, "MembershipEndAnswer"),
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="End the membership; what the person will no longer cover (open requests of the team, "
        "leads and accounts of agencies they leave) is handed over in the same step, per kind to the person "
        "named in `handover` or to the queue. With `preview`, answers only `handover` and changes nothing.",
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_get(membership_id=pk)
        data = validated(MembershipEndSerializer, request)
        successors = data.pop("handover", None)
        if data.pop("preview"):
            return _preview(
                services.membership_end_plan(actor=request.user, membership_id=membership.pk, successors=successors)
            )
        change = services.membership_end(actor=request.user, membership_id=membership.pk, successors=successors, **data)
        return Response(_changed(change))

    @extend_schema(
        request=MembershipReassignSerializer,
        responses={
            201: MembershipChangedSerializer,
            200: HandoverAnswerSerializer,
            400: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        description="Move the person to another team in one step: this membership ends and a new one starts "
        "at the same instant, and what they will no longer cover is handed over (per kind to the person named "
        "in `handover`, or to the queue). Their rights follow on their next request. Answers the new "
        "membership with the handover done (201); with `preview`, only the handover it would do (200).",
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: int) -> Response:
        membership = selectors.membership_get(membership_id=pk)
        data = validated(MembershipReassignSerializer, request)
        successors = data.get("handover")
        if data["preview"]:
            return _preview(
                services.person_reassign_plan(
                    actor=request.user, membership_id=membership.pk, to_team=data["team"], successors=successors
                )
            )
        change = services.person_reassign(
            actor=request.user, membership_id=membership.pk, to_team=data["team"], successors=successors
        )
        return Response(_changed(change), status=status.HTTP_201_CREATED)
