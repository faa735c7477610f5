"""`leads/`: the caller's inbox, create, read (content or status only), and one POST per lifecycle action.

A lead's content is confidential (DESIGN.md section 1): whoever may not read it gets a 404 on
`leads/{id}/`, its comments and history, exactly as for an id that does not exist. The sender and
the client's reception agents follow it through `leads/{id}/status/`.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from crm.models import Channel
from workflow import selectors, services
from workflow.api.common import (
    READ_ERRORS,
    CommentInputSerializer,
    ItemCreateSerializer,
    ReasonInputSerializer,
    RoutedItemSerializer,
    person_name,
    query,
    requalified_to_id,
)
from workflow.api.items import Act, ItemViewSet
from workflow.kinds import LEAD
from workflow.models import Lead, LeadStatus

OUTCOMES = (LeadStatus.WON, LeadStatus.LOST, LeadStatus.REQUALIFIED)


class LeadSerializer(RoutedItemSerializer):
    """A lead's content: for its holder, its team while nobody holds it, and the client's managers."""

    transitions = LEAD.transitions

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


class LeadCreateSerializer(ItemCreateSerializer):
    product = serializers.IntegerField(source="product_id", required=False, allow_null=True)


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
    assignee = serializers.IntegerField(
        source="assignee_id", help_text=gettext_lazy("A salesperson of the client's agency.")
    )
    reason = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class WonInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True,
        help_text=gettext_lazy("Default: the potential given on acceptance."),
    )  # fmt: skip
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    # The sale recorded with the win (issue 9; workflow.services.sales).
    product = serializers.IntegerField(
        source="product_id", required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text=gettext_lazy("The product sold. Default: the lead's."),
    )  # fmt: skip
    quantity = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False,
                                      help_text=gettext_lazy("Default: the product's first direct-sale channel."))  # fmt: skip
    sold_on = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))


class LeadViewSet(ItemViewSet):
    """Leads whose content the caller may read: the one they hold, their team's unheld ones, their scope's."""

    kind = LEAD
    serializer_class = LeadSerializer
    item_actions = {
        "accept": Act(services.lead_accept, AcceptInputSerializer, "Take the lead on with the potential seen in it."),
        "start": Act(services.lead_start, None, "Start working the accepted lead."),
        "requalify": Act(services.lead_requalify, LeadRequalifyInputSerializer,
                         "Not a lead after all: it closes as requalified (counted against the sender) and a service "
                         "request is routed; the answer's `requalified_to` is the new request's id."),
        "reassign": Act(services.lead_reassign, ReassignInputSerializer,
                        "A manager gives the lead to another salesperson of the agency.", by="actor"),
        "won": Act(services.lead_won, WonInputSerializer,
                  "The sale is made: the lead closes as won and its sale is recorded and credited in the same step."),
        "lost": Act(services.lead_lost, ReasonInputSerializer, "No sale, saying why."),
        "comment": Act(services.lead_comment, CommentInputSerializer,
                       "Add a written note to the lead (seen by those who read the lead)."),
    }  # fmt: skip

    @extend_schema(
        parameters=[LeadListQuerySerializer],
        responses={200: LeadSerializer(many=True), 400: ErrorSerializer},
        description="The caller's inbox (their leads and their team's unheld ones), new first then oldest first; "
        "managers see every lead of their scope.",
    )
    def list(self, request: Request) -> Response:
        params = query(LeadListQuerySerializer, request)
        return self.listed(selectors.lead_list(user=request.user, status=params.get("status")))

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
        lead = services.lead_create(sender=request.user, **validated(LeadCreateSerializer, request))
        if selectors.can_read_lead(user=request.user, lead=lead):
            return self.answer(lead, status.HTTP_201_CREATED)
        return Response(LeadStatusSerializer(lead).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: LeadStatusSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"], url_path="status")
    def status_view(self, request: Request, pk: int) -> Response:
        """Open or closed, with whom, since when, and the outcome: never the content."""
        lead = selectors.lead_status_get_for_user(user=request.user, lead_id=pk)
        return Response(LeadStatusSerializer(lead).data)
