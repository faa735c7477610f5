"""`notifications/`: the caller's own bell. Someone else's notification is a 404, like one that does not exist."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workflow import notifications, selectors
from workflow.api.common import READ_ERRORS, query
from workflow.models import Notification
from workflow.services.notifications import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True, allow_null=True)
    text = serializers.SerializerMethodField(help_text=gettext_lazy("What happened, in the caller's language."))
    url = serializers.SerializerMethodField(help_text=gettext_lazy("The page of the item, if there is one."))

    class Meta:
        model = Notification
        fields = ["id", "verb", "item_kind", "item_id", "client", "text", "url", "created_at", "read_at"]

    def get_text(self, notification: Notification) -> str:
        return notifications.notification_text(notification)

    def get_url(self, notification: Notification) -> str:
        return notifications.notification_url(notification)


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("Only the unread ones."))


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class NotificationViewSet(viewsets.GenericViewSet):
    """The caller's own notifications (the bell)."""

    serializer_class = NotificationSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Notification]:
        return selectors.notifications_of(user=self.request.user)

    @extend_schema(parameters=[NotificationQuerySerializer], responses={200: NotificationSerializer(many=True)})
    def list(self, request: Request) -> Response:
        """The caller's notifications, newest first."""
        params = query(NotificationQuerySerializer, request)
        page = self.paginate_queryset(
            selectors.notifications_of(user=request.user, unread_only=params.get("unread", False))
        )
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: NotificationSerializer, **READ_ERRORS})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: int) -> Response:
        """Mark one notification read (reading it twice changes nothing)."""
        notification = notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request: Request) -> Response:
        """How many of the caller's notifications are unread: the number on the bell."""
        return Response({"unread_count": notifications.unread_count(user=request.user)})
