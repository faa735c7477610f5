"""`leads/`: the caller's inbox, create, read (content or status only), and one POST per lifecycle action.

A lead's content is confidential (DESIGN.md section 1): whoever may not read it gets a 404 on
`leads/{id}/`, its comments and history, exactly as for an id that does not exist. The sender and
the client's reception agents follow it through `leads/{id}/status/`.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
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
    person_name,
    query,
    requalified_to_id,
)
from workflow.models import Lead, LeadStatus
from workflow.transitions import LEAD_TRANSITIONS

OUTCOMES = (LeadStatus.WON, LeadStatus.LOST, LeadStatus.REQUALIFIED)


class LeadSerializer(RoutedItemSerializer):
    """A lead's content: for its holder, its team while nobody holds it, and the client's managers."""

    transitions = LEAD_TRANSITIONS

    product_name = serializers.SerializerMethodField()
    requalified_to = serializers.SerializerMethodField(help_text=gettext_lazy("The service request this lead became."))

    class Meta:
        model = Lead
        fields = ["id", "reference", "client", "client_name", "subject", "description", "product", "product_name",
                  "status", "assignee", "assignee_name", "team", "team_name", "sender", "sender_name",
                  "origin_channel", "routing_reason", "potential_amount", "probability", "callback_after",
                  "callback_before", "response_due_at", "resolution_due_at", "not_a_lead", "requalified_from",
                  "requalified_to", "created_at", "status_changed_at", "status_reason", "allowed_actions"]  # fmt: skip
        extra_kwargs = {"requalified_from": {"help_text": gettext_lazy("The service request this lead came from.")}}

    def get_product_name(self, lead: Lead) -> str | None:
        return lead.product.name if lead.product_id else None

    def get_requalified_to(self, lead: Lead) -> int | None:
        return requalified_to_id(lead)


class LeadStatusSerializer(serializers.ModelSerializer):
    """What the sender and the client's reception agents may know: open or not, with whom, since when."""

    reference = serializers.CharField(read_only=True)
    assignee_name = serializers.SerializerMethodField(help_text=gettext_lazy("With whom the lead is."))
    team_name = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = ["id", "reference", "client", "status", "assignee_name", "team_name", "status_changed_at",
                  "created_at", "outcome"]  # fmt: skip
        extra_kwargs = {"status_changed_at": {"help_text": gettext_lazy("Since when the lead is in its status.")}}

    def get_assignee_name(self, lead: Lead) -> str | None:
        return person_name(lead.assignee) if lead.assignee_id else None

    def get_team_name(self, lead: Lead) -> str | None:
        return lead.team.name if lead.team_id else None

    @extend_schema_field(serializers.ChoiceField(choices=[str(o) for o in OUTCOMES], allow_null=True))
    def get_outcome(self, lead: Lead) -> str | None:
        return lead.status if lead.status in OUTCOMES else None


class LeadCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField()
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    product = serializers.IntegerField(required=False, allow_null=True)
    callback_after = serializers.DateTimeField(required=False, allow_null=True)
    callback_before = serializers.DateTimeField(required=False, allow_null=True)
    origin_channel = serializers.ChoiceField(choices=Channel.choices, required=False)


class LeadListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=LeadStatus.choices, required=False, help_text=gettext_lazy("Default: the open leads.")
    )


class AcceptInputSerializer(serializers.Serializer):
    potential_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    probability = serializers.IntegerField(help_text=gettext_lazy("Percent, 0 to 100."))


class LeadRequalifyInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)
    category = serializers.SlugField(max_length=40, help_text=gettext_lazy("Category code of the new request."))
    fields = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True), required=False,
        help_text=gettext_lazy("The fields the category requires."),
    )  # fmt: skip
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReassignInputSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(help_text=gettext_lazy("A salesperson of the client's agency."))
    reason = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class WonInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True,
        help_text=gettext_lazy("Default: the potential given on acceptance."),
    )  # fmt: skip
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


def _answer(lead: Lead, code: int = status.HTTP_200_OK) -> Response:
    return Response(LeadSerializer(lead).data, status=code)


def _action_schema(request_serializer: type[serializers.Serializer] | None, description: str) -> Callable[..., Any]:
    return extend_schema(
        request=request_serializer, responses={200: LeadSerializer, **ACTION_ERRORS}, description=description
    )


class LeadViewSet(viewsets.GenericViewSet):
    """Leads whose content the caller may read: the one they hold, their team's unheld ones, their scope's."""

    serializer_class = LeadSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Lead]:
        return selectors.leads_visible(user=self.request.user)

    @extend_schema(
        parameters=[LeadListQuerySerializer],
        responses={200: LeadSerializer(many=True), 400: ErrorSerializer},
        description="The caller's inbox (their leads and their team's unheld ones), new first then oldest first; "
        "managers see every lead of their scope.",
    )
    def list(self, request: Request) -> Response:
        params = query(LeadListQuerySerializer, request)
        page = self.paginate_queryset(selectors.lead_list(user=request.user, status=params.get("status")))
        names = selectors.routing_names(reasons=[lead.routing_reason for lead in page])
        return self.get_paginated_response(LeadSerializer(page, many=True, context={"routing_names": names}).data)

    @extend_schema(responses={200: LeadSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return _answer(selectors.lead_get_for_user(user=request.user, lead_id=pk))

    @extend_schema(
        request=LeadCreateSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="LeadCreated",
                serializers=[LeadSerializer, LeadStatusSerializer],
                resource_type_field_name=None,
            ),  # fmt: skip
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        description="Write a sales opportunity; the routing rules send it to the client's salesperson (or a "
        "team). A creator who may not read the lead's content afterwards (reception, typically) gets its "
        "status view, as `leads/{id}/status/` gives it.",
    )
    def create(self, request: Request) -> Response:
        data = validated(LeadCreateSerializer, request)
        lead = services.lead_create(
            sender=request.user, client_id=data.pop("client"), product_id=data.pop("product", None), **data
        )
        if selectors.can_read_lead(user=request.user, lead=lead):
            return _answer(lead, status.HTTP_201_CREATED)
        return Response(LeadStatusSerializer(lead).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: LeadStatusSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="status")
    def status_view(self, request: Request, pk: int) -> Response:
        """Open or closed, with whom, since when, and the outcome: never the content."""
        lead = selectors.lead_status_get_for_user(user=request.user, lead_id=pk)
        return Response(LeadStatusSerializer(lead).data)

    @_action_schema(AcceptInputSerializer, "Take the lead on with the potential seen in it.")
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: int) -> Response:
        data = validated(AcceptInputSerializer, request)
        return _answer(services.lead_accept(lead_id=pk, user=request.user, **data))

    @_action_schema(None, "Start working the accepted lead.")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: int) -> Response:
        return _answer(services.lead_start(lead_id=pk, user=request.user))

    @_action_schema(
        LeadRequalifyInputSerializer,
        "Not a lead after all: it closes as requalified (counted against the sender) and a service request is "
        "routed; the answer's `requalified_to` is the new request's id.",
    )
    @action(detail=True, methods=["post"])
    def requalify(self, request: Request, pk: int) -> Response:
        data = validated(LeadRequalifyInputSerializer, request)
        lead, _request = services.lead_requalify(
            lead_id=pk, user=request.user, reason=data["reason"], category=data["category"],
            fields=data.get("fields"), subject=data.get("subject", ""),
        )  # fmt: skip
        return _answer(lead)

    @_action_schema(ReassignInputSerializer, "A manager gives the lead to another salesperson of the agency.")
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: int) -> Response:
        data = validated(ReassignInputSerializer, request)
        return _answer(services.lead_reassign(lead_id=pk, actor=request.user, assignee_id=data["assignee"],
                                              reason=data.get("reason", "")))  # fmt: skip

    @_action_schema(WonInputSerializer, "The sale is made.")
    @action(detail=True, methods=["post"])
    def won(self, request: Request, pk: int) -> Response:
        data = validated(WonInputSerializer, request)
        return _answer(services.lead_won(lead_id=pk, user=request.user, amount=data.get("amount"),
                                         reason=data.get("reason", "")))  # fmt: skip

    @_action_schema(ReasonInputSerializer, "No sale, saying why.")
    @action(detail=True, methods=["post"])
    def lost(self, request: Request, pk: int) -> Response:
        data = validated(ReasonInputSerializer, request)
        return _answer(services.lead_lost(lead_id=pk, user=request.user, reason=data["reason"]))

    @_action_schema(CommentInputSerializer, "Add a written note to the lead (seen by those who read the lead).")
    @action(detail=True, methods=["post"])
    def comment(self, request: Request, pk: int) -> Response:
        data = validated(CommentInputSerializer, request)
        return _answer(services.lead_comment(lead_id=pk, user=request.user, body=data["body"]))

    @extend_schema(responses={200: CommentSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def comments(self, request: Request, pk: int) -> Response:
        """The lead's comments, oldest first."""
        page = self.paginate_queryset(selectors.lead_comments(user=request.user, lead_id=pk))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(responses={200: HistoryEventSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        """What happened to the lead, oldest first, from the tamper-evident trace."""
        lead = selectors.lead_get_for_user(user=request.user, lead_id=pk)
        page = self.paginate_queryset(trace_for_object(object_type=Lead._meta.label_lower, object_id=lead.pk))
        return self.get_paginated_response(HistoryEventSerializer(page, many=True).data)
