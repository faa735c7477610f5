"""`notifications/`: the caller's own bell and e-mail choices.

Anyone signed in may call every path here, for their own notifications only: someone else's
notification is a 404, like one that does not exist.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ErrorSerializer, validated
from workflow import notifications, selectors
from workflow.api.common import READ_ERRORS, query
from workflow.models import Notification, NotificationTopic
from workflow.services.notifications import (
    notification_mark_read,
    notification_preferences_set,
    notifications_mark_all_read,
)

# The largest id a database holds (a signed 64-bit integer): a larger `up_to` is a 400, not a database error.
LARGEST_ID = 2**63 - 1


class NotificationSerializer(serializers.ModelSerializer):
    """One notification, put into words for the caller (`workflow.notifications.describe` ran on it)."""

    client = serializers.IntegerField(source="client_id", read_only=True, allow_null=True)
    actor = serializers.IntegerField(source="actor_id", read_only=True, allow_null=True)
    actor_name = serializers.CharField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Who acted; null when Relais did (a reminder).")
    )
    reference = serializers.CharField(read_only=True)
    client_name = serializers.CharField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Null when the caller may no longer see the item.")
    )
    subject = serializers.CharField(
        read_only=True, allow_null=True,
        help_text=gettext_lazy("The item's subject; null when the caller may not read the item (a lead they only "
                               "follow the status of)."),
    )  # fmt: skip
    text = serializers.CharField(read_only=True, help_text=gettext_lazy("What happened, in the caller's language."))
    url = serializers.CharField(read_only=True, help_text=gettext_lazy("The item's page, empty if it is out of sight."))

    class Meta:
        model = Notification
        fields = ["id", "verb", "topic", "item_kind", "item_id", "reference", "client", "client_name", "subject",
                  "actor", "actor_name", "text", "url", "created_at", "read_at"]  # fmt: skip


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("Only the unread ones."))


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class ReadAllInputSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_ID,
        help_text=gettext_lazy("The newest notification id the caller has seen: newer ones stay unread. "
                               "Without it, all are marked read."),
    )  # fmt: skip


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=gettext_lazy("How many were unread and are now read."))
    unread_count = serializers.IntegerField()


def _email_choices_field(**kwargs) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.BooleanField(),
        help_text=gettext_lazy("For each topic (see `topics`), whether it also comes by e-mail."),
        **kwargs,
    )


class TopicSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(choices=NotificationTopic.choices)
    label = serializers.CharField()
    description = serializers.CharField()


class PreferencesSerializer(serializers.Serializer):
    email = _email_choices_field()
    topics = TopicSerializer(many=True, read_only=True, help_text=gettext_lazy("What each topic covers."))


class PreferencesInputSerializer(serializers.Serializer):
    email = _email_choices_field(allow_empty=True)


def _preferences(user) -> dict:
    return {
        "email": notifications.email_choices_of(user=user),
        "topics": [
            {"topic": topic.value, "label": str(topic.label), "description": str(notifications.TOPIC_HELP[topic])}
            for topic in NotificationTopic
        ],
    }


class NotificationViewSet(viewsets.GenericViewSet):
    """The caller's own notifications (the bell)."""

    serializer_class = NotificationSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notifications_of(user=self.request.user)

    @extend_schema(parameters=[NotificationQuerySerializer], responses={200: NotificationSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """The caller's notifications, newest first, each naming the client, the item, who acted and what happened."""
        params = query(NotificationQuerySerializer, request)
        rows = selectors.notifications_of(user=request.user, unread_only=params.get("unread", False))
        page = notifications.describe(self.paginate_queryset(rows.order_by("-created_at", "-pk")), reader=request.user)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: NotificationSerializer, **READ_ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: int) -> Response:
        """Mark one notification read (reading it twice changes nothing)."""
        notification = notification_mark_read(user=request.user, notification_id=pk)
        (notification,) = notifications.describe([notification], reader=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=ReadAllInputSerializer, responses={200: ReadAllSerializer, 400: ErrorSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark all the caller's notifications read, or those up to `up_to` (the newest the caller saw)."""
        up_to = validated(ReadAllInputSerializer, request).get("up_to")
        marked = notifications_mark_all_read(user=request.user, up_to=up_to)
        return Response({"marked": marked, "unread_count": notifications.unread_count(user=request.user)})

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        """How many of the caller's notifications are unread: the number on the bell."""
        return Response({"unread_count": notifications.unread_count(user=request.user)})

    @extend_schema(methods=["GET"], request=None, responses={200: PreferencesSerializer})
    @extend_schema(
        methods=["PATCH"], request=PreferencesInputSerializer,
        responses={200: PreferencesSerializer, 400: ErrorSerializer},
        description="Choose which topics also come by e-mail; topics left out keep their choice.",
    )  # fmt: skip
    @action(detail=False, methods=["get", "patch"], url_path="preferences")
    def preferences(self, request: Request) -> Response:
        """Which topics of notifications also come to the caller by e-mail (everything shows on the bell)."""
        if request.method == "PATCH":
            notification_preferences_set(
                user=request.user, email=validated(PreferencesInputSerializer, request)["email"]
            )
        return Response(_preferences(request.user))
