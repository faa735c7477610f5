"""POST /api/v1/reassignments/: give many requests and leads to one person at once (issue 8, item 1).

The door of `workflow.services.bulk.items_reassign`: each item is reassigned by its own service with
its own rights checks and trace, and answers its own status (200, or the 400/403/404/409 it would
have answered alone); the answer is 200 with one outcome per item, so a partial failure is read, not
guessed. Nothing ticked, too many items or a malformed body is a 400 for the whole call.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ErrorSerializer, validated
from workflow.selectors_overview import require_overview
from workflow.services.bulk import MAX_BULK_ITEMS, items_reassign


def _ids() -> serializers.ListField:
    return serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**53), required=False,
                                 default=list, max_length=MAX_BULK_ITEMS)  # fmt: skip


class BulkReassignInputSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(min_value=1, max_value=2**53)
    requests = _ids()
    leads = _ids()
    reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=2000)


class BulkOutcomeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["request", "lead"])
    id = serializers.IntegerField(source="item_id")
    status = serializers.IntegerField(help_text="200 when done, else the status the item alone would answer")
    reference = serializers.CharField()
    message = serializers.CharField()


class ReassignmentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=BulkReassignInputSerializer, responses={200: BulkOutcomeSerializer(many=True), 400: ErrorSerializer,
                                                               404: ErrorSerializer},
                   description="Reassign many requests (to a member of each one's team) and leads (to a salesperson "
                               "covering the client's agency) to one person; one outcome per item, in the order sent. "
                               "For managers of a unit and administrators (404 for others).")  # fmt: skip
    def post(self, request: Request) -> Response:
        require_overview(request.user)
        data = validated(BulkReassignInputSerializer, request)
        outcomes = items_reassign(actor=request.user, assignee_id=data["assignee"], request_ids=data["requests"],
                                  lead_ids=data["leads"], reason=data["reason"])  # fmt: skip
        return Response(BulkOutcomeSerializer(outcomes, many=True).data)
