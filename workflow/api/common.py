"""What the workflow's API views share: query strings, error bodies, comments, history, items' common fields."""

from typing import Any

from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.request import Request

from common.api import DateTimeField, ErrorSerializer
from crm.models import Channel
from trace.models import TraceEvent
from workflow.models import Comment
from workflow.routing import describe_routing
from workflow.transitions import allowed_actions


def query(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    """The query string checked for shape and types: a bad filter is a 400 naming it."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}


class ConflictSerializer(serializers.Serializer):
    """A 409: the action is not allowed in the item's current state (or someone was first)."""

    detail = serializers.CharField()
    status = serializers.CharField(help_text=gettext_lazy("The item's current status."))


# The error answers every workflow action may give (DESIGN.md section 10).
ACTION_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ConflictSerializer}
READ_ERRORS = {404: ErrorSerializer}


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "author_name", "body", "created_at"]

    def get_author_name(self, comment: Comment) -> str | None:
        return str(comment.author) if comment.author else None


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=10000, allow_blank=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


# What every new item carries; each kind adds its own. Validated, these are the service's arguments.
# (A comment, not a docstring: the schema would show it as each kind's description.)
class ItemCreateSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client_id")
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    callback_after = DateTimeField(required=False, allow_null=True)
    callback_before = DateTimeField(required=False, allow_null=True)
    origin_channel = serializers.ChoiceField(choices=Channel.choices, required=False)


class HistoryEventSerializer(serializers.ModelSerializer):
    """One step of an item's history, from the trace."""

    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TraceEvent
        fields = ["id", "created_at", "actor", "actor_name", "action", "payload"]

    def get_actor_name(self, event: TraceEvent) -> str | None:
        return str(event.actor) if event.actor_id and event.actor else None


def person_name(person: Any) -> str | None:
    return str(person) if person is not None else None


class RoutedItemSerializer(serializers.ModelSerializer):
    """What a request and a lead show alike. Lists pass `routing_names` in the context (one lookup per page)."""

    transitions: dict[str, tuple[tuple[str, ...], str | None]] = {}

    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    team_name = serializers.SerializerMethodField()
    assignee_name = serializers.SerializerMethodField()
    sender_name = serializers.SerializerMethodField()
    routing_reason = serializers.SerializerMethodField(
        help_text=gettext_lazy("Why the item landed where it is, in the caller's language.")
    )
    allowed_actions = serializers.SerializerMethodField(
        help_text=gettext_lazy("The actions the current status allows (rights are checked when one is tried).")
    )

    def get_team_name(self, item: Any) -> str | None:
        return item.team.name if item.team_id else None

    def get_assignee_name(self, item: Any) -> str | None:
        return person_name(item.assignee) if item.assignee_id else None

    def get_sender_name(self, item: Any) -> str | None:
        return person_name(item.sender) if item.sender_id else None

    def get_routing_reason(self, item: Any) -> str:
        return describe_routing(item.routing_reason, self.context.get("routing_names"))

    def get_allowed_actions(self, item: Any) -> list[str]:
        return allowed_actions(self.transitions, item.status)


def requalified_to_id(item: Any) -> int | None:
    """The id of what the item was requalified into (a reverse one-to-one: absent raises)."""
    target = getattr(item, "requalified_to", None)
    return target.pk if target is not None else None
