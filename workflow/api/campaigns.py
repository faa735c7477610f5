"""`campaigns/`, `campaigns/{id}/targets/`, `targets/{id}/outcome/` (DESIGN.md section 10; issue 9).

Who may call what:
- `campaigns/`: marketing (national, or regional for its region) lists, creates, previews, launches and
  closes; the members of the team a campaign is given to see it, its targets, and take the next one
  (`campaigns/{id}/next/`). Anyone else: 404.
- `targets/{id}/outcome/`: a member of the campaign's team; another agent's call or a target off the
  list is 409; a complex sale by telemarketing is a 400 on `product` (send a lead instead).

Portfolio potentials are `workflow.api.potentials`.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import DateTimeField, validated
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, ConflictSerializer, query
from workflow.api.sales import id_field
from workflow.models_campaigns import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    TargetOutcome,
)
from workflow.selectors_campaigns import (
    campaign_get_for_user,
    campaign_list,
    target_get_for_user,
    target_list,
)
from workflow.services.calls import target_record_outcome, target_take_next
from workflow.services.campaigns import campaign_close, campaign_create, campaign_launch, campaign_preview


class CampaignSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    progress_percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "product", "product_name", "starts_on", "ends_on", "criteria", "script", "team",
                  "team_name", "region", "status", "max_attempts", "created_by", "created_at", "launched_at",
                  "closed_at", "targets_total", "targets_done", "reached", "converted", "progress_percent"]  # fmt: skip


class CriteriaSerializer(serializers.Serializer):
    segment = serializers.CharField(required=False, allow_blank=True)
    region = id_field(required=False, allow_null=True)
    agency = id_field(required=False, allow_null=True)
    holds_product = id_field(required=False, allow_null=True)
    lacks_product = id_field(required=False, allow_null=True)
    no_contact_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=3650)


class CampaignCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    product = id_field(source="product_id")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    team = id_field(source="team_id", help_text=gettext_lazy(
        "The national telemarketing team (national marketing) or a telesales team of the campaign's region."))  # fmt: skip
    script = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    criteria = CriteriaSerializer(required=False)
    max_attempts = serializers.IntegerField(required=False, min_value=1, max_value=10)


class CampaignListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CampaignStatus.choices, required=False)


class TargetSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    client_phone = serializers.CharField(source="client.phone", read_only=True)

    class Meta:
        model = CampaignTarget
        fields = ["id", "campaign", "client", "client_name", "client_phone", "status", "outcome", "is_active",
                  "attempts", "next_call_at", "callback_before", "taken_by", "taken_at", "reached_at", "done_at",
                  "done_by", "lead"]  # fmt: skip


class OutcomeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=TargetOutcome.choices)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    callback_after = DateTimeField(required=False, help_text=gettext_lazy("For `callback`: from when."))
    callback_before = DateTimeField(required=False, help_text=gettext_lazy("For `callback`: until when (optional)."))
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                    help_text=gettext_lazy("For `lead`: default, the campaign's name."))  # fmt: skip
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    product = id_field(source="product_id", required=False,
                       help_text=gettext_lazy("For `lead` or `sale`: default, the campaign's product."))  # fmt: skip
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                      help_text=gettext_lazy("For `sale`."))  # fmt: skip
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)


class OutcomeSerializer(TargetSerializer):
    sale = serializers.SerializerMethodField()

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "sale"]

    def get_sale(self, target: CampaignTarget) -> int | None:
        sale = getattr(target, "sale_recorded", None)
        return sale.pk if sale else None


class PreviewSerializer(serializers.Serializer):
    targets = serializers.IntegerField(help_text=gettext_lazy("How many clients a launch would put on the call list."))


class CampaignViewSet(viewsets.GenericViewSet):
    """Campaign call lists: marketing's, and those given to the caller's team."""

    serializer_class = CampaignSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return campaign_list(user=self.request.user)

    @extend_schema(parameters=[CampaignListQuerySerializer], responses={200: CampaignSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """Campaigns the caller sees, newest first, with their progress."""
        params = query(CampaignListQuerySerializer, request)
        page = self.paginate_queryset(campaign_list(user=request.user, status=params.get("status")))
        return self.get_paginated_response(CampaignSerializer(page, many=True).data)

    @extend_schema(responses={200: CampaignSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(CampaignSerializer(campaign_get_for_user(user=request.user, campaign_id=pk)).data)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer, **ACTION_ERRORS},
                   description="Define a campaign (a draft). Marketing only; criteria, region and team are checked "
                   "against the caller's marketing scope (400 naming the field).")  # fmt: skip
    def create(self, request: Request) -> Response:
        data = validated(CampaignCreateSerializer, request)
        campaign = campaign_create(actor=request.user, **data)
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: TargetSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def targets(self, request: Request, pk: int) -> Response:
        """The call list: targets still to call first, by when to call them, then those done."""
        campaign = campaign_get_for_user(user=request.user, campaign_id=pk)
        page = self.paginate_queryset(target_list(user=request.user, campaign=campaign))
        return self.get_paginated_response(TargetSerializer(page, many=True).data)

    @extend_schema(responses={200: PreviewSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: int) -> Response:
        """How many clients a launch would put on the call list now (`targets`)."""
        return Response({"targets": campaign_preview(user=request.user, campaign_id=pk)})

    @extend_schema(request=None, responses={200: CampaignSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, pk: int) -> Response:
        """Write the call list and start the campaign (a draft only: 409 otherwise)."""
        return Response(CampaignSerializer(campaign_launch(actor=request.user, campaign_id=pk)).data)

    @extend_schema(request=None, responses={200: CampaignSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: int) -> Response:
        """Close the campaign: its clients leave the call list (closed already: 409)."""
        campaign_close(actor=request.user, campaign_id=pk)
        return Response(CampaignSerializer(campaign_get_for_user(user=request.user, campaign_id=pk)).data)

    @extend_schema(request=None, responses={200: TargetSerializer, 204: None, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def next(self, request: Request, pk: int) -> Response:
        """Take the next target due (or the one the caller holds); 204 when nobody is due a call now."""
        target = target_take_next(actor=request.user, campaign_id=pk)
        if target is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TargetSerializer(target).data)


class TargetViewSet(viewsets.GenericViewSet):
    """One target of a call list: read it, record a call's outcome."""

    serializer_class = TargetSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return CampaignTarget.objects.none()

    @extend_schema(responses={200: TargetSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(TargetSerializer(target_get_for_user(user=request.user, target_id=pk)).data)

    @extend_schema(request=OutcomeInputSerializer, responses={200: OutcomeSerializer, **ACTION_ERRORS,
                                                              409: ConflictSerializer},
                   description="Record how the call went: logged as an interaction and traced. `lead` sends a lead "
                   "routed by the rules; `sale` records a sale credited by the rule.")  # fmt: skip
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: int) -> Response:
        target = target_record_outcome(actor=request.user, target_id=pk, **validated(OutcomeInputSerializer, request))
        return Response(OutcomeSerializer(target).data)
