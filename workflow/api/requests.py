"""`service-requests/`: create, list (or a team queue), read, and one POST per lifecycle action."""

from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Team
from common.api import ErrorSerializer, validated
from workflow import selectors, services
from workflow.api.common import (
    ACTION_ERRORS,
    CommentInputSerializer,
    ConflictSerializer,
    ItemCreateSerializer,
    ReasonInputSerializer,
    RoutedItemSerializer,
    query,
    requalified_to_id,
)
from workflow.api.items import Act, ItemViewSet
from workflow.kinds import REQUEST
from workflow.models import RequestStatus, ServiceRequest


class ServiceRequestSerializer(RoutedItemSerializer):
    transitions = REQUEST.transitions

    category = serializers.CharField(source="category.code", read_only=True, help_text=gettext_lazy("Category code."))
    category_name = serializers.CharField(source="category.name", read_only=True)
    requalified_to = serializers.SerializerMethodField(help_text=gettext_lazy("The lead this request became."))

    class Meta:
        model = ServiceRequest
        fields = ["id", "reference", "client", "client_name", "category", "category_name", "subject", "description",
                  "fields", "status", "team", "team_name", "assignee", "assignee_name", "sender", "sender_name",
                  "origin_channel", "routing_reason", "callback_after", "callback_before", "response_due_at",
                  "resolution_due_at", "resolution", "resolved_at", "transfer_count", "reopen_count",
                  "repeat_contacts", "requalified_from", "requalified_to", "created_at", "status_changed_at",
                  "status_reason", "allowed_actions"]  # fmt: skip
        extra_kwargs = {"requalified_from": {"help_text": gettext_lazy("The lead this request came from.")}}

    def get_requalified_to(self, request: ServiceRequest) -> int | None:
        return requalified_to_id(request)


class FieldsField(serializers.DictField):
    """A category's fields by code; each value is checked against its field's type by the service."""

    child = serializers.CharField(max_length=500, allow_blank=True)

    def to_internal_value(self, data):
        # A key is a field's code: one with a NUL byte is refused here, before any database sees it.
        if isinstance(data, dict) and any("\x00" in str(key) for key in data):
            raise serializers.ValidationError(gettext("A field's code cannot contain a null character."))
        return super().to_internal_value(data)


FIELDS_HELP = gettext_lazy("The category's fields by code, e.g. {\"invoice_number\": \"F-123\"}: text, a number, a date "
                           "(YYYY-MM-DD) or the value of one of a choice's options (see `categories/`).")  # fmt: skip


class ServiceRequestCreateSerializer(ItemCreateSerializer):
    category = serializers.SlugField(max_length=40, help_text=gettext_lazy("Category code."))
    fields = FieldsField(required=False, help_text=FIELDS_HELP)
    confirm = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("Open a second request although one of this category is open for the client "
                               "(the 409's `open_request`); needs a `reason`."),
    )  # fmt: skip
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True,
        help_text=gettext_lazy("Why a second request is opened while one is open (with `confirm`)."),
    )  # fmt: skip


class OpenRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField()


class OpenMatterConflictSerializer(ConflictSerializer):
    """409 on create: the client already has an open request of this category."""

    open_request = OpenRequestSerializer()


class RequestListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices, required=False)
    team = serializers.IntegerField(
        required=False,
        help_text=gettext_lazy("One of the caller's teams: its queue, unclaimed first then oldest first (404 for "
                               "a team the caller is not in)."),
    )  # fmt: skip
    queue = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("The queues of all the caller's teams, unclaimed first then oldest first. A queue "
                               "shows open requests unless a status is given."),
    )  # fmt: skip
    category = serializers.SlugField(required=False, help_text=gettext_lazy("Category code."))
    client = serializers.IntegerField(required=False)
    assignee = serializers.ChoiceField(
        choices=[("me", "me"), ("none", "none")], required=False,
        help_text=gettext_lazy("`me`: held by the caller; `none`: held by nobody."),
    )  # fmt: skip


class AssignInputSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(source="assignee_id", help_text=gettext_lazy("A member of the request's team."))


class TransferInputSerializer(serializers.Serializer):
    team = serializers.IntegerField(
        source="team_id", help_text=gettext_lazy("An active team that handles the category and covers the client's "
                                                 "agency (see `transfer-targets/`); any other is a 400 naming `team`."),
    )  # fmt: skip
    reason = serializers.CharField(max_length=500, allow_blank=True)
    category = serializers.SlugField(
        max_length=40, required=False, allow_blank=True,
        help_text=gettext_lazy("A category code, to correct the category on the way (the team must handle it)."),
    )  # fmt: skip
    fields = FieldsField(required=False, help_text=gettext_lazy("The new category's fields, with `category`."))


class TransferTargetsQuerySerializer(serializers.Serializer):
    category = serializers.SlugField(
        max_length=40, required=False, help_text=gettext_lazy("Another category code: the teams that handle that one.")
    )


class TransferTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "kind", "scope"]


class WaitInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=10000, required=False, allow_blank=True,
        help_text=gettext_lazy("What is asked of the client; kept as a comment."),
    )  # fmt: skip


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=10000, allow_blank=True)


class RequestRequalifyInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)
    product = serializers.IntegerField(source="product_id", required=False, allow_null=True)


class ServiceRequestViewSet(ItemViewSet):
    """Requests the caller may see: those of clients they see, of their teams, sent or held by them."""

    kind = REQUEST
    serializer_class = ServiceRequestSerializer
    item_actions = {
        "claim": Act(services.service_request_claim, None,
                     "Take an unclaimed request of one's team. Of simultaneous claims one wins, the others 409."),
        "assign": Act(services.service_request_assign, AssignInputSerializer,
                      "The team lead or a manager gives the request to a team member.", by="actor"),
        "start": Act(services.service_request_start, None,
                     "Start working: from assigned or waiting for the client to in progress."),
        "transfer": Act(services.service_request_transfer, TransferInputSerializer,
                        "Send the request to another team's queue (counted as a misrouting)."),
        "comment": Act(services.service_request_comment, CommentInputSerializer, "Add a written note to the request."),
        "wait": Act(services.service_request_wait, WaitInputSerializer,
                    "Wait for the client: the clock is theirs until they answer."),
        "resolve": Act(services.service_request_resolve, ResolveInputSerializer, "Resolve the request, saying how."),
        "reopen": Act(services.service_request_reopen, ReasonInputSerializer,
                      "The client says it is not solved: back in progress, counted."),
        "close": Act(services.service_request_close, None, "Close a resolved request."),
        "cancel": Act(services.service_request_cancel, ReasonInputSerializer, "Cancel an open request, saying why."),
        "requalify": Act(services.service_request_requalify, RequestRequalifyInputSerializer,
                         "It was a sales opportunity: the request closes as requalified and a lead is routed; the "
                         "answer's `requalified_to` is the new lead's id."),
        "repeat_contact": Act(services.service_request_repeat_contact, None,
                              "The client called back about this request: counted as a repeat contact."),
    }  # fmt: skip

    @extend_schema(parameters=[RequestListQuerySerializer], responses={200: ServiceRequestSerializer(many=True),
                                                                        400: ErrorSerializer, 404: ErrorSerializer})  # fmt: skip
    def list(self, request: Request) -> Response:
        params = query(RequestListQuerySerializer, request)
        return self.listed(selectors.request_list(
            user=request.user, queue=params.get("queue", False), team_id=params.get("team"),
            status=params.get("status"), category=params.get("category"), client_id=params.get("client"),
            assignee=params.get("assignee"),
        ))  # fmt: skip

    @extend_schema(
        request=ServiceRequestCreateSerializer,
        responses={201: ServiceRequestSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
                   409: OpenMatterConflictSerializer},
        description="Write a client's request; the routing rules send it to a team's queue (or a person) and "
        "`routing_reason` says why. A missing, unknown or ill-typed field of the category answers 400 under "
        "`fields`. While the client has an open request of the same category, the answer is 409 with it "
        "(`open_request`): add the call to it (`repeat_contact/`), or repeat with `confirm: true` and a `reason`.",
    )  # fmt: skip
    def create(self, request: Request) -> Response:
        data = validated(ServiceRequestCreateSerializer, request)
        return self.answer(services.service_request_create(sender=request.user, **data), status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[TransferTargetsQuerySerializer],
        responses={200: TransferTargetSerializer(many=True), **ACTION_ERRORS},
        description="The teams the request may be transferred to: active, handling its category (or the "
        "`category` given) and covering the client's agency. For those who may transfer it (403 otherwise).",
    )
    @action(detail=True, methods=["get"], url_path="transfer-targets", pagination_class=None)
    def transfer_targets(self, request: Request, pk: int) -> Response:
        params = query(TransferTargetsQuerySerializer, request)
        teams = services.service_request_transfer_targets(user=request.user, request_id=pk,
                                                          category=params.get("category"))  # fmt: skip
        return Response(TransferTargetSerializer(teams, many=True).data)
