"""What the request and lead endpoints share, written once: read one, its comments and history, its actions.

A kind's viewset subclasses `ItemViewSet`, names its `kind` and lists its actions in `item_actions`
(one POST each: parse the input, call the service, answer the item); it writes its own list and create.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import validated
from trace.selectors import trace_for_object
from workflow.api.common import ACTION_ERRORS, READ_ERRORS, CommentSerializer, HistoryEventSerializer
from workflow.kinds import Item, Kind
from workflow.selectors import item_comments, routing_names


@dataclass(frozen=True)
class Act:
    """One POST action on an item: the service it calls, its input, what the API's schema says of it.

    The input serializer's validated data are the service's keyword arguments (`source=` renames a field).
    """

    service: Callable[..., Any]
    input: type[serializers.Serializer] | None
    description: str
    by: str = "user"  # the service's name for the person acting (`actor` where one acts on others' work)


def _post_action(name: str, act: Act, answer: type[serializers.Serializer]) -> Callable[..., Response]:
    def post(self: "ItemViewSet", request: Request, pk: int) -> Response:
        data = validated(act.input, request) if act.input else {}
        result = self.kind.call(act.service, item_id=pk, user=request.user, by=act.by, **data)
        # A requalification answers the item requalified (whose `requalified_to` names the new one).
        return self.answer(result[0] if isinstance(result, tuple) else result)

    post.__name__ = name  # DRF routes an action by its function's name
    schema = extend_schema(request=act.input, responses={200: answer, **ACTION_ERRORS}, description=act.description)
    return schema(action(detail=True, methods=["post"])(post))


class ItemViewSet(viewsets.GenericViewSet):
    kind: Kind
    serializer_class: type[serializers.ModelSerializer]
    item_actions: dict[str, Act] = {}
    filter_backends: list = []
    lookup_value_converter = "int"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, act in cls.item_actions.items():
            setattr(cls, name, _post_action(name, act, cls.serializer_class))
        noun = cls.kind.name
        extend_schema_view(
            retrieve=extend_schema(responses={200: cls.serializer_class, **READ_ERRORS}),
            comments=extend_schema(responses={200: CommentSerializer(many=True), **READ_ERRORS},
                                   description=f"The {noun}'s comments, oldest first."),
            history=extend_schema(responses={200: HistoryEventSerializer(many=True), **READ_ERRORS},
                                  description=f"What happened to the {noun}, oldest first, from the tamper-evident trace."),
        )(cls)  # fmt: skip

    def get_queryset(self):
        return self.kind.readable(user=self.request.user)

    def answer(self, item: Item, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.serializer_class(item).data, status=code)

    def listed(self, items: Any) -> Response:
        """One page of items, their routing reasons put into words with one lookup for the page."""
        page = self.paginate_queryset(items)
        names = routing_names(reasons=[item.routing_reason for item in page])
        return self.get_paginated_response(
            self.serializer_class(page, many=True, context={"routing_names": names}).data
        )

    def retrieve(self, request: Request, pk: int) -> Response:
        return self.answer(self.kind.get(user=request.user, item_id=pk))

    @action(detail=True, methods=["get"])
    def comments(self, request: Request, pk: int) -> Response:
        page = self.paginate_queryset(item_comments(self.kind.get(user=request.user, item_id=pk)))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: int) -> Response:
        item = self.kind.get(user=request.user, item_id=pk)
        page = self.paginate_queryset(trace_for_object(object_type=item._meta.label_lower, object_id=item.pk))
        return self.get_paginated_response(HistoryEventSerializer(page, many=True).data)
