"""`service-requests/`: create, list (or a team queue), read, and one POST per lifecycle action."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import ErrorSerializer, validated
from crm.models import Channel
from trace.selectors import trace_for_object
from workflow import selectors, services
from workflow.api.common import (
    ACTION_ERRORS,
    READ_ERRORS,
    CommentInputSerializer,
    CommentSerializer,
    HistoryEventSerializer,
    ReasonInputSerializer,
    RoutedItemSerializer,
    query,
    requalified_to_id,
)
from workflow.models import RequestStatus, ServiceRequest
from workflow.transitions import REQUEST_TRANSITIONS


class ServiceRequestSerializer(RoutedItemSerializer):
    transitions = REQUEST_TRANSITIONS

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


class ServiceRequestCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    category = serializers.SlugField(max_length=40, help_text=gettext_lazy("Category code."))
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    fields = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False,
        help_text=gettext_lazy("The fields the category requires, e.g. {\"invoice_number\": \"F-123\"}."),
    )  # fmt: skip
    callback_after = serializers.DateTimeField(required=False, allow_null=True)
    callback_before = serializers.DateTimeField(required=False, allow_null=True)
    origin_channel = serializers.ChoiceField(choices=Channel.choices, required=False)


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
    assignee = serializers.IntegerField(help_text=gettext_lazy("A member of the request's team."))


class TransferInputSerializer(serializers.Serializer):
    team = serializers.IntegerField()
    reason = serializers.CharField(max_length=500, allow_blank=True)


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
    product = serializers.IntegerField(required=False, allow_null=True)


def _answer(request: ServiceRequest, code: int = status.HTTP_200_OK) -> Response:
    return Response(ServiceRequestSerializer(request).data, status=code)


def _action_schema(request_serializer: type[serializers.Serializer] | None, description: str) -> Callable[..., Any]:
    return extend_schema(
        request=request_serializer, responses={200: ServiceRequestSerializer, **ACTION_ERRORS}, description=description
    )


class ServiceRequestViewSet(viewsets.GenericViewSet):
    """Requests the caller may see: those of clients they see, of their teams, sent or held by them."""

    serializer_class = ServiceRequestSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[ServiceRequest]:
        return selectors.requests_visible(user=self.request.user)

    @extend_schema(parameters=[RequestListQuerySerializer], responses={200: ServiceRequestSerializer(many=True),
                                                                        400: ErrorSerializer, 404: ErrorSerializer})  # fmt: skip
    def list(self, request: Request) -> Response:
        params = query(RequestListQuerySerializer, request)
        requests = selectors.request_list(
            user=request.user, queue=params.get("queue", False), team_id=params.get("team"),
            status=params.get("status"), category=params.get("category"), client_id=params.get("client"),
            assignee=params.get("assignee"),
        )  # fmt: skip
        page = self.paginate_queryset(requests)
        names = selectors.routing_names(reasons=[item.routing_reason for item in page])
        return self.get_paginated_response(
            ServiceRequestSerializer(page, many=True, context={"routing_names": names}).data
        )

    @extend_schema(responses={200: ServiceRequestSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return _answer(selectors.request_get_for_user(user=request.user, request_id=pk))

    @extend_schema(
        request=ServiceRequestCreateSerializer,
        responses={201: ServiceRequestSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        description="Write a client's request; the routing rules send it to a team's queue (or a person) and "
        "`routing_reason` says why. Fields the category requires and that are missing answer 400 under `fields`.",
    )
    def create(self, request: Request) -> Response:
        data = validated(ServiceRequestCreateSerializer, request)
        created = services.service_request_create(sender=request.user, client_id=data.pop("client"), **data)
        return _answer(created, status.HTTP_201_CREATED)

    @_action_schema(None, "Take an unclaimed request of one's team. Of simultaneous claims one wins, the others 409.")
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: int) -> Response:
        return _answer(services.service_request_claim(request_id=pk, user=request.user))

    @_action_schema(AssignInputSerializer, "The team lead or a manager gives the request to a team member.")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: int) -> Response:
        data = validated(AssignInputSerializer, request)
        return _answer(services.service_request_assign(request_id=pk, actor=request.user,
                                                       assignee_id=data["assignee"]))  # fmt: skip

    @_action_schema(None, "Start working: from assigned or waiting for the client to in progress.")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: int) -> Response:
        return _answer(services.service_request_start(request_id=pk, user=request.user))

    @_action_schema(TransferInputSerializer, "Send the request to another team's queue (counted as a misrouting).")
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: int) -> Response:
        data = validated(TransferInputSerializer, request)
        return _answer(services.service_request_transfer(request_id=pk, user=request.user, team_id=data["team"],
                                                         reason=data["reason"]))  # fmt: skip

    @_action_schema(CommentInputSerializer, "Add a written note to the request.")
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: int) -> Response:
        data = validated(CommentInputSerializer, request)
        return _answer(services.service_request_comment(request_id=pk, user=request.user, body=data["body"]))

    @_action_schema(WaitInputSerializer, "Wait for the client: the clock is theirs until they answer.")
    @action(detail=True, methods=["post"])
    def wait(self, request: Request, pk: int) -> Response:
        data = validated(WaitInputSerializer, request)
        return _answer(services.service_request_wait(request_id=pk, user=request.user, note=data.get("note", "")))

    @_action_schema(ResolveInputSerializer, "Resolve the request, saying how.")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: int) -> Response:
        data = validated(ResolveInputSerializer, request)
        return _answer(services.service_request_resolve(request_id=pk, user=request.user,
                                                        resolution=data["resolution"]))  # fmt: skip

    @_action_schema(ReasonInputSerializer, "The client says it is not solved: back in progress, counted.")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: int) -> Response:
        data = validated(ReasonInputSerializer, request)
        return _answer(services.service_request_reopen(request_id=pk, user=request.user, reason=data["reason"]))

    @_action_schema(None, "Close a resolved request.")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        return _answer(services.service_request_close(request_id=pk, user=request.user))

    @_action_schema(ReasonInputSerializer, "Cancel an open request, saying why.")
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        data = validated(ReasonInputSerializer, request)
        return _answer(services.service_request_cancel(request_id=pk, user=request.user, reason=data["reason"]))

    @_action_schema(
        RequestRequalifyInputSerializer,
        "It was a sales opportunity: the request closes as requalified and a lead is routed; the answer's "
        "`requalified_to` is the new lead's id.",
    )
    @action(detail=True, methods=["post"])
    def requalify(self, request: Request, pk: int) -> Response:
        data = validated(RequestRequalifyInputSerializer, request)
        requalified, _lead = services.service_request_requalify(
            request_id=pk, user=request.user, reason=data["reason"], subject=data.get("subject", ""),
            product_id=data.get("product"),
        )  # fmt: skip
        return _answer(requalified)

    @_action_schema(None, "The client called back about this request: counted as a repeat contact.")
    @action(detail=True, methods=["post"])
    def repeat_contact(self, request: Request, pk: int) -> Response:
        return _answer(services.service_request_repeat_contact(request_id=pk, user=request.user))

    @extend_schema(responses={200: CommentSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def comments(self, request: Request, pk: int) -> Response:
        """The request's comments, oldest first."""
        page = self.paginate_queryset(selectors.request_comments(user=request.user, request_id=pk))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(responses={200: HistoryEventSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        """What happened to the request, oldest first, from the tamper-evident trace."""
        item = selectors.request_get_for_user(user=request.user, request_id=pk)
        page = self.paginate_queryset(trace_for_object(object_type=ServiceRequest._meta.label_lower, object_id=item.pk))
        return self.get_paginated_response(HistoryEventSerializer(page, many=True).data)
