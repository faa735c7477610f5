"""`sales/` and `proposals/` (DESIGN.md section 10; issue 9).

Who may call what: any signed-in person lists and reads the sales and proposals of the clients they
see (others answer 404). Recording a sale takes the right to sell that product on the client's agency
(`sell_basic`, or `sell_complex` for a complex product: reception and telemarketing get a 400 saying
to send a lead); naming another `closer` takes a manager of the agency. Cancelling takes the sale's
closer or a manager, within `SALE_CANCEL_WINDOW_DAYS`. Recording a proposal takes a salesperson or
telesales agent covering the client's agency. `sales/{id}/credits/` shows every version of who is
credited, to whoever sees the sale.
"""

import re
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from crm.models import Channel, Proposal
from crm.proposals import PROPOSAL_CHANNELS, proposal_record, proposals_visible
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, ConflictSerializer, query
from workflow.credit_words import rule_text
from workflow.models_sales import Credit, CreditSet, Sale
from workflow.selectors_sales import credit_events, credit_sets_of, sale_get_for_user, sale_list
from workflow.services.sales import MAX_SALE_QUANTITY, cancel_deadline, sale_cancel, sale_record

# Ids are bigints; anything larger is no id at all (and must not reach the database as one).
MAX_ID = 2**63 - 1
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class PeriodField(serializers.CharField):
    """A month, written `YYYY-MM`; validated to the first day of that month."""

    def to_internal_value(self, data) -> date:
        text = super().to_internal_value(data)
        match = PERIOD.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            raise serializers.ValidationError(_("Give a month as YYYY-MM, e.g. 2026-03."))
        return date(int(match.group(1)), int(match.group(2)), 1)


def person_name(person) -> str | None:
    return str(person) if person is not None else None


class SaleSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    family = serializers.CharField(source="product.family", read_only=True)
    complexity = serializers.CharField(source="product.complexity", read_only=True)
    closer_name = serializers.SerializerMethodField()
    account_owner_name = serializers.SerializerMethodField()
    cancellable_until = serializers.SerializerMethodField(
        help_text=gettext_lazy("Until when the sale may be cancelled (its closer or a manager).")
    )

    class Meta:
        model = Sale
        fields = ["id", "reference", "client", "client_name", "product", "product_name", "family", "complexity",
                  "quantity", "amount", "closer", "closer_name", "channel", "sold_on", "account_owner",
                  "account_owner_name", "owner_share", "lead", "recorded_by", "recorded_at", "cancelled_at",
                  "cancelled_by", "cancel_reason", "cancellable_until"]  # fmt: skip

    def get_closer_name(self, sale: Sale) -> str | None:
        return person_name(sale.closer)

    def get_account_owner_name(self, sale: Sale) -> str | None:
        return person_name(sale.account_owner)

    def get_cancellable_until(self, sale: Sale) -> str | None:
        return None if sale.is_cancelled else cancel_deadline(sale).isoformat()


class SaleCreateSerializer(serializers.Serializer):
    client = id_field(source="client_id")
    product = id_field(source="product_id")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_SALE_QUANTITY, default=1)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text=gettext_lazy("In euros, above 0."))
    channel = serializers.ChoiceField(choices=Channel.choices,
                                      help_text=gettext_lazy("One of the product's direct-sale channels."))  # fmt: skip
    sold_on = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))
    closer = id_field(source="closer_id", required=False,
                      help_text=gettext_lazy("Default: the caller. Another person: managers only."))  # fmt: skip


class SaleListQuerySerializer(serializers.Serializer):
    client = id_field(source="client_id", required=False)
    closer = id_field(source="closer_id", required=False)
    period = PeriodField(required=False, help_text=gettext_lazy("The month of the sale, YYYY-MM."))


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


class CreditSerializer(serializers.ModelSerializer):
    person_name = serializers.SerializerMethodField()
    rule_text = serializers.SerializerMethodField(help_text=gettext_lazy("Why this row, in the caller's language."))

    class Meta:
        model = Credit
        fields = ["id", "person", "person_name", "role", "share", "amount", "rule", "rule_text", "events", "period",
                  "counts"]  # fmt: skip
        extra_kwargs = {"events": {"help_text": gettext_lazy("The trace events (ids) that decided the row.")}}

    def get_person_name(self, credit: Credit) -> str:
        return str(credit.person)

    def get_rule_text(self, credit: Credit) -> str:
        return rule_text(credit, self.context.get("events", {}))


class CreditSetSerializer(serializers.ModelSerializer):
    credits = serializers.SerializerMethodField()

    class Meta:
        model = CreditSet
        fields = ["id", "version", "kind", "counts", "created_at", "created_by", "trace_event_id", "credits"]

    def get_credits(self, credit_set: CreditSet) -> list[dict]:
        return CreditSerializer(credit_set.credits.all(), many=True, context=self.context).data


class SaleViewSet(viewsets.GenericViewSet):
    """Sales of the clients the caller sees."""

    serializer_class = SaleSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return sale_list(user=self.request.user)

    @extend_schema(
        parameters=[SaleListQuerySerializer], responses={200: SaleSerializer(many=True), 400: ErrorSerializer}
    )
    def list(self, request: Request) -> Response:
        """Sales of the clients the caller sees, newest first."""
        page = self.paginate_queryset(sale_list(user=request.user, **query(SaleListQuerySerializer, request)))
        return self.get_paginated_response(SaleSerializer(page, many=True).data)

    @extend_schema(responses={200: SaleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(SaleSerializer(sale_get_for_user(user=request.user, sale_id=pk)).data)

    @extend_schema(
        request=SaleCreateSerializer,
        responses={201: SaleSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        description="Record a sale closed by the caller (or, for a manager, by `closer`); it is credited at once "
        "by the attribution rule (docs/attribution.md). A complex product for someone who sells basic "
        "products only answers 400 on `product`, saying to send a lead instead; nothing is recorded.",
    )
    def create(self, request: Request) -> Response:
        sale = sale_record(actor=request.user, **validated(SaleCreateSerializer, request))
        return Response(SaleSerializer(sale_get_for_user(user=request.user, sale_id=sale.pk)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(responses={200: CreditSetSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def credits(self, request: Request, pk: int) -> Response:
        """Every version of who is credited for the sale, newest first; the ones that count have `counts`."""
        sale = sale_get_for_user(user=request.user, sale_id=pk)
        sets = credit_sets_of(sale=sale)
        rows = [credit for credit_set in sets for credit in credit_set.credits.all()]
        for row in rows:
            row.sale = sale
        context = {"events": credit_events(credits=rows)}
        return Response(CreditSetSerializer(sets, many=True, context=context).data)

    @extend_schema(
        request=CancelInputSerializer,
        responses={200: SaleSerializer, **ACTION_ERRORS, 409: ConflictSerializer},
        description="Cancel the sale (its closer or a manager, within the cancellation window): traced, its "
        "credits reversed, its open disputes closed.",
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        data = validated(CancelInputSerializer, request)
        sale_cancel(sale_id=pk, actor=request.user, reason=data["reason"])
        return Response(SaleSerializer(sale_get_for_user(user=request.user, sale_id=pk)).data)


class ProposalSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    client_name = serializers.CharField(source="client.name", read_only=True)
    channel = serializers.CharField(source="interaction.channel", read_only=True)
    notes = serializers.CharField(source="interaction.notes", read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "client", "client_name", "family", "product", "proposed_on", "author", "author_name",
                  "channel", "notes", "interaction", "created_at"]  # fmt: skip

    def get_author_name(self, proposal: Proposal) -> str:
        return str(proposal.author)


class ProposalCreateSerializer(serializers.Serializer):
    client = id_field(source="client_id")
    family = serializers.CharField(max_length=60, help_text=gettext_lazy("A product family of the catalogue."))
    product = id_field(source="product_id", required=False, allow_null=True)
    proposed_on = serializers.DateField(required=False, help_text=gettext_lazy("Default: today."))
    channel = serializers.ChoiceField(choices=[(c, Channel(c).label) for c in PROPOSAL_CHANNELS], required=False)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)


class ProposalListQuerySerializer(serializers.Serializer):
    client = id_field(required=False)


class ProposalViewSet(viewsets.GenericViewSet):
    """Proposals made to the clients the caller sees; salespeople and telesales record them."""

    serializer_class = ProposalSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return proposals_visible(user=self.request.user)

    @extend_schema(parameters=[ProposalListQuerySerializer],
                   responses={200: ProposalSerializer(many=True), 400: ErrorSerializer})  # fmt: skip
    def list(self, request: Request) -> Response:
        proposals = proposals_visible(user=request.user)
        client_id = query(ProposalListQuerySerializer, request).get("client")
        if client_id is not None:
            proposals = proposals.filter(client_id=client_id)
        page = self.paginate_queryset(proposals)
        return self.get_paginated_response(ProposalSerializer(page, many=True).data)

    @extend_schema(
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer, 400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        description="Record a proposal of a product family to the client (a contact on its timeline). Attribution "
        "counts it from when it is recorded (docs/attribution.md).",
    )
    def create(self, request: Request) -> Response:
        proposal = proposal_record(actor=request.user, **validated(ProposalCreateSerializer, request))
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)
