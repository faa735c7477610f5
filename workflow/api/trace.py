"""The trace over HTTP (DESIGN.md sections 7 and 10): a client's chain, and verifying every chain.

It lives in the workflow app, above the apps it asks: the client record says who may see the client
and the workflow whose leads the caller may read, while the trace app imports nothing above itself.
A lead's events stay listed for everyone who sees the client (what happened, when, by whom: the
chronology that settles disputes); their payload follows `workflow.redaction`.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsOrgAdmin
from common.api import ErrorSerializer
from crm.selectors import client_get_for_user
from trace.models import TraceEvent
from trace.selectors import trace_for_client
from trace.services import trace_verify
from workflow.redaction import TraceAccess, trace_access


class TraceEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "What changed (ids and codes). For a lead the caller may not read: null, or only its status when"
            " the caller follows the lead's status."
        )
    )

    class Meta:
        model = TraceEvent
        fields = ["id", "chain", "position", "created_at", "actor", "actor_name", "action", "object_type",
                  "object_id", "payload", "prev_hash", "hash"]  # fmt: skip

    def get_actor_name(self, event: TraceEvent) -> str | None:
        return str(event.actor) if event.actor_id and event.actor else None

    def get_payload(self, event: TraceEvent) -> dict | None:
        access: TraceAccess = self.context["access"]
        return access.payload(event)


class TraceQuerySerializer(serializers.Serializer):
    client = serializers.IntegerField(help_text=gettext_lazy("The client whose chain to read."))


class BrokenLinkSerializer(serializers.Serializer):
    event_id = serializers.IntegerField(help_text=gettext_lazy("0 when the chain's last events are missing."))
    chain = serializers.CharField()
    position = serializers.IntegerField()
    reason = serializers.CharField()


class VerifySerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    events_checked = serializers.IntegerField()
    chains_checked = serializers.IntegerField()
    broken = BrokenLinkSerializer(allow_null=True, help_text=gettext_lazy("The first broken event, if any."))


class TraceViewSet(viewsets.GenericViewSet):
    """The tamper-evident trace: what happened, when, by whom."""

    serializer_class = TraceEventSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[TraceEvent]:
        return TraceEvent.objects.none()  # reads go through `list`, which checks the client first

    @extend_schema(
        parameters=[TraceQuerySerializer],
        responses={200: TraceEventSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
        description="The client's chain, newest first. 404 when the caller may not see the client.",
    )
    def list(self, request: Request) -> Response:
        query = TraceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        client = client_get_for_user(user=request.user, client_id=query.validated_data["client"])
        page = self.paginate_queryset(trace_for_client(client_id=client.pk))
        access = trace_access(user=request.user, events=page)
        return self.get_paginated_response(TraceEventSerializer(page, many=True, context={"access": access}).data)

    @extend_schema(
        methods=["GET", "POST"],
        request=None,
        responses={200: VerifySerializer, 403: ErrorSerializer},
        description="Recompute every chain and name the first broken event (administrators only).",
    )
    @action(detail=False, methods=["get", "post"], permission_classes=[IsAuthenticated, IsOrgAdmin])
    def verify(self, request: Request) -> Response:
        result = trace_verify()
        broken = result.broken
        return Response(
            {
                "ok": result.ok,
                "events_checked": result.events_checked,
                "chains_checked": result.chains_checked,
                "broken": (
                    {
                        "event_id": broken.event_id,
                        "chain": broken.chain,
                        "position": broken.position,
                        "reason": broken.reason,
                    }
                    if broken
                    else None
                ),  # fmt: skip
            }
        )
