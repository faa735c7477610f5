"""`intakes/`: messages from the public channels waiting for an agent of their agency (issue 7, finding 5).

An agent matches one to a client they see (or files it as a new prospect): only then is it logged on
the client's timeline and its request or lead opened. Out of the agent's agencies, a message is a 404.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, ConflictSerializer
from workflow.models import Intake
from workflow.services.intake import (
    intake_dismiss,
    intake_get_for_user,
    intake_match,
    intake_suggestions,
    intakes_pending,
)

# The largest id a database holds: a larger one is a 400, not a database error.
LARGEST_ID = 2**63 - 1


class IntakeSerializer(serializers.ModelSerializer):
    agency = serializers.IntegerField(source="agency_id", read_only=True)
    client = serializers.IntegerField(source="client_id", read_only=True, allow_null=True)
    handled_by = serializers.IntegerField(source="handled_by_id", read_only=True, allow_null=True)

    class Meta:
        model = Intake
        fields = ["id", "reference", "channel", "kind", "category", "fields", "agency", "name", "company", "email",
                  "phone", "subject", "message", "received_at", "status", "client", "handled_by", "handled_at",
                  "item_reference"]  # fmt: skip
        read_only_fields = fields


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class IntakeDetailSerializer(IntakeSerializer):
    suggestions = SuggestionSerializer(
        many=True, read_only=True,
        help_text=gettext_lazy("Clients the caller sees with the writer's e-mail or number: candidates, not proof."),
    )  # fmt: skip

    class Meta(IntakeSerializer.Meta):
        fields = [*IntakeSerializer.Meta.fields, "suggestions"]
        read_only_fields = fields


class MatchInputSerializer(serializers.Serializer):
    client = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=LARGEST_ID,
        help_text=gettext_lazy("The client whose message this is; null or absent files a new prospect."),
    )  # fmt: skip


class MatchAnswerSerializer(serializers.Serializer):
    intake = IntakeSerializer()
    client = serializers.IntegerField()
    item = serializers.CharField(help_text=gettext_lazy("The reference of the request or lead opened."))


class IntakeViewSet(viewsets.GenericViewSet):
    """Public messages of the caller's agencies."""

    serializer_class = IntakeSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Intake]:
        return intakes_pending(user=self.request.user)

    @extend_schema(responses={200: IntakeSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """The messages waiting for an agent, newest first."""
        page = self.paginate_queryset(intakes_pending(user=request.user).order_by("-received_at", "-pk"))
        return self.get_paginated_response(IntakeSerializer(page, many=True).data)

    @extend_schema(responses={200: IntakeDetailSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        """One message, with the clients the caller sees that it may come from."""
        intake = intake_get_for_user(user=request.user, intake_id=pk)
        intake.suggestions = intake_suggestions(user=request.user, intake=intake)
        return Response(IntakeDetailSerializer(intake).data)

    @extend_schema(request=MatchInputSerializer, responses={201: MatchAnswerSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def match(self, request: Request, pk: int) -> Response:
        """Say whose message this is: it is logged on the client's timeline and its request or lead opened."""
        data = validated(MatchInputSerializer, request)
        result = intake_match(actor=request.user, intake_id=pk, client_id=data.get("client"))
        body = {"intake": IntakeSerializer(result.intake).data, "client": result.client.pk,
                "item": result.item.reference}  # fmt: skip
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: IntakeSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ConflictSerializer},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: int) -> Response:
        """Close a message that is nobody's work (spam): no client is touched."""
        return Response(IntakeSerializer(intake_dismiss(actor=request.user, intake_id=pk)).data)
