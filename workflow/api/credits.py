"""`credits/` and `disputes/` (DESIGN.md section 10; issue 9).

Who may call what:
- `credits/?person=&period=`: the caller's own credits by default; `person={id}` or `person=all` for a
  manager (the credits on the sales of their agencies' clients; an admin: all), 404 for anyone else.
- `disputes/`: anyone who sees a sale opens a dispute on it (POST); the list and `disputes/{id}/` show
  the disputes the caller opened, and for managers those of their agencies (others: 404).
- `disputes/{id}/decide/`: a manager of the sale's client's agency (or an admin) other than the person
  who opened it (403 otherwise); of simultaneous decisions one is taken, the others answer 409.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, ConflictSerializer, query
from workflow.api.sales import PeriodField, id_field
from workflow.credit_words import rule_text
from workflow.models_sales import Credit, CreditRole, Dispute, DisputeStatus
from workflow.selectors_sales import credit_events, credit_list, dispute_get_for_user, dispute_list
from workflow.services.disputes import MAX_ROWS, dispute_decide, dispute_open


class CreditListSerializer(serializers.ModelSerializer):
    """A credit with its sale, for a person's or a manager's list and the monthly statement."""

    sale_reference = serializers.CharField(source="sale.reference", read_only=True)
    client = serializers.IntegerField(source="sale.client_id", read_only=True)
    client_name = serializers.CharField(source="sale.client.name", read_only=True)
    product_name = serializers.CharField(source="sale.product.name", read_only=True)
    family = serializers.CharField(source="sale.product.family", read_only=True)
    sold_on = serializers.DateField(source="sale.sold_on", read_only=True)
    sale_amount = serializers.DecimalField(source="sale.amount", max_digits=12, decimal_places=2, read_only=True)
    version = serializers.IntegerField(source="credit_set.version", read_only=True)
    person_name = serializers.SerializerMethodField()
    rule_text = serializers.SerializerMethodField(help_text=gettext_lazy("Why this row, in the caller's language."))

    class Meta:
        model = Credit
        fields = ["id", "sale", "sale_reference", "client", "client_name", "product_name", "family", "sold_on",
                  "sale_amount", "version", "person", "person_name", "role", "share", "amount", "rule", "rule_text",
                  "events", "period"]  # fmt: skip
        extra_kwargs = {"events": {"help_text": gettext_lazy("The trace events (ids) that decided the row.")}}

    def get_person_name(self, credit: Credit) -> str:
        return str(credit.person)

    def get_rule_text(self, credit: Credit) -> str:
        return rule_text(credit, self.context.get("events", {}))


class CreditQuerySerializer(serializers.Serializer):
    person = serializers.RegexField(
        r"^(\d{1,18}|all|me)$", required=False,
        help_text=gettext_lazy("`me` (default), a person's id or `all`: the last two for managers, over their scope."),
    )  # fmt: skip
    period = PeriodField(required=False, help_text=gettext_lazy("The month of the sales, YYYY-MM."))


class CreditViewSet(viewsets.GenericViewSet):
    """Credits that count: the caller's, or a manager's scope."""

    serializer_class = CreditListSerializer
    filter_backends: list = []

    def get_queryset(self):
        return credit_list(user=self.request.user)

    @extend_schema(parameters=[CreditQuerySerializer],
                   responses={200: CreditListSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer})  # fmt: skip
    def list(self, request: Request) -> Response:
        """The credits that count (a cancelled sale's appear with their reversal), newest sale first."""
        params = query(CreditQuerySerializer, request)
        person = params.get("person")
        credits = credit_list(user=request.user, person=None if person == "me" else person, period=params.get("period"))
        page = self.paginate_queryset(credits)
        return self.get_paginated_response(
            CreditListSerializer(page, many=True, context={"events": credit_events(credits=page)}).data
        )


class DisputeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    client = serializers.IntegerField(source="sale.client_id", read_only=True)
    client_name = serializers.CharField(source="sale.client.name", read_only=True)
    product_name = serializers.CharField(source="sale.product.name", read_only=True)
    contested_version = serializers.IntegerField(source="contested_set.version", read_only=True)
    resulting_version = serializers.IntegerField(source="resulting_set.version", read_only=True, allow_null=True)
    opened_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = ["id", "reference", "sale", "client", "client_name", "product_name", "status", "reason",
                  "opened_by", "opened_by_name", "opened_at", "contested_version", "decided_by", "decided_by_name",
                  "decided_at", "decision_reason", "resulting_version"]  # fmt: skip

    def get_opened_by_name(self, dispute: Dispute) -> str:
        return str(dispute.opened_by)

    def get_decided_by_name(self, dispute: Dispute) -> str | None:
        return str(dispute.decided_by) if dispute.decided_by_id else None


class DisputeCreateSerializer(serializers.Serializer):
    sale = id_field(source="sale_id")
    reason = serializers.CharField(max_length=2000, allow_blank=True,
                                   help_text=gettext_lazy("Why the credits are wrong, in your words."))  # fmt: skip


class CreditRowInputSerializer(serializers.Serializer):
    person = id_field()
    role = serializers.ChoiceField(choices=CreditRole.choices)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, help_text=gettext_lazy("Percent."))


class DecideInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(s, DisputeStatus(s).label) for s in (DisputeStatus.UPHELD,
                                                                                    DisputeStatus.REJECTED)])  # fmt: skip
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    credits = CreditRowInputSerializer(
        many=True, required=False, max_length=MAX_ROWS,
        help_text=gettext_lazy("Upheld: the credits as they should be, shares summing to 100."),
    )  # fmt: skip


class DisputeQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DisputeStatus.choices, required=False,
                                     help_text=gettext_lazy("Default: the open ones."))  # fmt: skip
    sale = id_field(source="sale_id", required=False)


class DisputeViewSet(viewsets.GenericViewSet):
    """Disputes over sale credits: the caller's own, and a manager's queue."""

    serializer_class = DisputeSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self):
        return dispute_list(user=self.request.user)

    @extend_schema(parameters=[DisputeQuerySerializer],
                   responses={200: DisputeSerializer(many=True), 400: ErrorSerializer})  # fmt: skip
    def list(self, request: Request) -> Response:
        """Oldest first: the queue a manager works through."""
        page = self.paginate_queryset(dispute_list(user=request.user, **query(DisputeQuerySerializer, request)))
        return self.get_paginated_response(DisputeSerializer(page, many=True).data)

    @extend_schema(responses={200: DisputeSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(DisputeSerializer(dispute_get_for_user(user=request.user, dispute_id=pk)).data)

    @extend_schema(
        request=DisputeCreateSerializer,
        responses={201: DisputeSerializer, 400: ErrorSerializer, 404: ErrorSerializer, 409: ConflictSerializer},
        description="Contest the credits of a sale you can see, credited or not.",
    )
    def create(self, request: Request) -> Response:
        dispute = dispute_open(actor=request.user, **validated(DisputeCreateSerializer, request))
        return Response(DisputeSerializer(dispute_get_for_user(user=request.user, dispute_id=dispute.pk)).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip

    @extend_schema(
        request=DecideInputSerializer,
        responses={200: DisputeSerializer, **ACTION_ERRORS},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        description="Uphold (the credits are rewritten as `credits`, a new version) or reject, with a reason.",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: int) -> Response:
        data = validated(DecideInputSerializer, request)
        credits = [dict(row) for row in data.get("credits", [])]
        dispute_decide(dispute_id=pk, actor=request.user, outcome=data["outcome"], reason=data["reason"],
                       credits=credits or None)  # fmt: skip
        return Response(DisputeSerializer(dispute_get_for_user(user=request.user, dispute_id=pk)).data)
