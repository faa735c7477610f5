"""`categories/` and `routing-rules/`: everyone signed in reads them, administrators change them.

The rules are readable by all so that anyone can check why an item landed where it did. Writes go
through `workflow.services.configuration`, which checks the rights and traces each change.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors as org_selectors
from accounts.models import TeamKind
from accounts.permissions import OrgAdminWritesOthersRead
from common.api import ErrorSerializer, validated
from common.errors import InvalidInput
from workflow import selectors
from workflow.api.common import READ_ERRORS, person_name, query
from workflow.models import AgencyCalendar, Assignment, Category, FieldType, ItemKind, RoutingRule, TargetType
from workflow.services import configuration

WRITE_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}

# --- Categories -----------------------------------------------------------------------------------------


class FieldOptionSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=40, help_text=gettext_lazy("What the request stores (a code)."))
    label_fr = serializers.CharField(max_length=120)
    label_en = serializers.CharField(max_length=120)


class FieldDefinitionSerializer(serializers.Serializer):
    """One field of a category: its code, its words in French and English, its type."""

    code = serializers.CharField(max_length=40, help_text=gettext_lazy("Lower-case letters, digits and _."))
    label_fr = serializers.CharField(max_length=120)
    label_en = serializers.CharField(max_length=120)
    type = serializers.ChoiceField(choices=FieldType.choices, default=FieldType.TEXT)
    required = serializers.BooleanField(default=True)
    options = FieldOptionSerializer(many=True, required=False, help_text=gettext_lazy("For a choice: its options."))


KINDS_HELP = gettext_lazy("Other kinds of team that handle this category: a request of it may be transferred to a "
                          "team of its default kind or of one of these, covering the client's agency.")  # fmt: skip


class CategorySerializer(serializers.ModelSerializer):
    fields = FieldDefinitionSerializer(source="field_definitions", many=True)
    required_fields = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text=gettext_lazy("The codes of the fields a request of this category must carry."),
    )  # fmt: skip
    extra_team_kinds = serializers.ListField(child=serializers.ChoiceField(choices=TeamKind.choices),
                                             help_text=KINDS_HELP)  # fmt: skip
    handling_team_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=TeamKind.choices), read_only=True,
        help_text=gettext_lazy("Every kind of team that handles it: the default kind first."),
    )  # fmt: skip

    class Meta:
        model = Category
        fields = ["id", "code", "name", "fields", "required_fields", "response_hours", "resolution_hours",
                  "default_team_kind", "extra_team_kinds", "handling_team_kinds", "is_active"]  # fmt: skip


class CategoryInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=120)
    fields = FieldDefinitionSerializer(source="field_definitions", many=True, required=False)
    required_fields = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False,
        help_text=gettext_lazy("Shorthand for `fields`: required text fields named by their codes."),
    )  # fmt: skip
    response_hours = serializers.IntegerField(
        required=False, help_text=gettext_lazy("In the business hours of the client's agency; 1 to 8784.")
    )
    resolution_hours = serializers.IntegerField(
        required=False, help_text=gettext_lazy("In business hours, no shorter than the response target; up to 8784.")
    )
    default_team_kind = serializers.ChoiceField(
        choices=TeamKind.choices, required=False,
        help_text=gettext_lazy("The queue used when no routing rule matches: this kind's team covering the client."),
    )  # fmt: skip
    extra_team_kinds = serializers.ListField(child=serializers.ChoiceField(choices=TeamKind.choices), required=False,
                                             help_text=KINDS_HELP)  # fmt: skip
    is_active = serializers.BooleanField(required=False)


class ActiveQuerySerializer(serializers.Serializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)


class CategoryViewSet(viewsets.GenericViewSet):
    """What a service request is about: its required fields and service-level targets."""

    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = CategorySerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.categories()

    @extend_schema(parameters=[ActiveQuerySerializer], responses={200: CategorySerializer(many=True)})
    def list(self, request: Request) -> Response:
        params = query(ActiveQuerySerializer, request)
        categories = selectors.categories()
        if "is_active" in params:
            categories = categories.filter(is_active=params["is_active"])
        page = self.paginate_queryset(categories)
        return self.get_paginated_response(CategorySerializer(page, many=True).data)

    @extend_schema(responses={200: CategorySerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(CategorySerializer(selectors.category_get(category_id=pk)).data)

    @extend_schema(request=CategoryInputSerializer, responses={201: CategorySerializer, **WRITE_ERRORS})
    def create(self, request: Request) -> Response:
        category = configuration.category_create(actor=request.user, **validated(CategoryInputSerializer, request))
        return Response(CategorySerializer(category).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CategoryInputSerializer, responses={200: CategorySerializer, **WRITE_ERRORS, **READ_ERRORS})
    def partial_update(self, request: Request, pk: int) -> Response:
        category = selectors.category_get(category_id=pk)
        data = validated(CategoryInputSerializer, request, partial=True)
        category = configuration.category_update(actor=request.user, category_id=category.pk, **data)
        return Response(CategorySerializer(category).data)


# --- Routing rules --------------------------------------------------------------------------------------

TARGET_HELP = gettext_lazy("For `team`, the team's id; for `user`, the person's id; otherwise empty.")


class RoutingRuleSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField(help_text=TARGET_HELP)
    target_name = serializers.SerializerMethodField()
    match = serializers.DictField(
        child=serializers.JSONField(),
        help_text=gettext_lazy("Criteria, each a value or a list of values: category, segment, agency, region, "
                               "product_family, channel."),
    )  # fmt: skip

    class Meta:
        model = RoutingRule
        fields = ["id", "order", "name", "kind", "match", "target_type", "target", "target_name", "target_team_kind",
                  "assignment", "is_active"]  # fmt: skip

    def get_target(self, rule: RoutingRule) -> int | None:
        if rule.target_type == TargetType.TEAM:
            return rule.target_team_id
        if rule.target_type == TargetType.USER:
            return rule.target_user_id
        return None

    def get_target_name(self, rule: RoutingRule) -> str | None:
        if rule.target_type == TargetType.TEAM and rule.target_team_id:
            return rule.target_team.name
        if rule.target_type == TargetType.USER and rule.target_user_id:
            return person_name(rule.target_user)
        return None


class RoutingRuleInputSerializer(serializers.Serializer):
    order = serializers.IntegerField(
        help_text=gettext_lazy("Rules are tried from the lowest order up (0 to 1,000,000).")
    )
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    match = serializers.DictField(child=serializers.JSONField(), required=False)
    target_type = serializers.ChoiceField(choices=TargetType.choices)
    target = serializers.IntegerField(required=False, allow_null=True, help_text=TARGET_HELP)
    target_team_kind = serializers.ChoiceField(
        choices=TeamKind.choices, required=False, allow_blank=True,
        help_text=gettext_lazy("For `team_of_kind`: the kind of team covering the client's agency."),
    )  # fmt: skip
    assignment = serializers.ChoiceField(choices=Assignment.choices, required=False)
    is_active = serializers.BooleanField(required=False)


# The service names the model's fields; the API has one `target` for both.
_TARGET_FIELDS = {"target_team": "target", "target_user": "target"}


def _rule_values(data: dict, rule: RoutingRule | None) -> dict:
    """The API's `target` (a team's or a person's id, per `target_type`) as the model's target fields."""
    values = {key: value for key, value in data.items() if key != "target"}
    if "target" not in data and "target_type" not in data:
        return values
    target_type = data.get("target_type", rule.target_type if rule else None)
    if "target" in data:
        target_id = data["target"]
    elif rule is not None and target_type == rule.target_type:
        target_id = rule.target_team_id if target_type == TargetType.TEAM else rule.target_user_id
    else:
        target_id = None
    values["target_team"] = values["target_user"] = None
    if target_type == TargetType.TEAM and target_id is not None:
        values["target_team"] = org_selectors.teams_with_units().filter(pk=target_id).first()
        if values["target_team"] is None:
            raise InvalidInput({"target": _("Unknown team.")})
    elif target_type == TargetType.USER and target_id is not None:
        values["target_user"] = org_selectors.users().filter(pk=target_id).first()
        if values["target_user"] is None:
            raise InvalidInput({"target": _("Unknown person.")})
    if target_type != TargetType.TEAM_OF_KIND:
        values.setdefault("target_team_kind", "")
    return values


def _with_api_field_names(error: InvalidInput) -> InvalidInput:
    fields = {_TARGET_FIELDS.get(name, name): messages for name, messages in error.fields.items()}
    return InvalidInput(fields, message=error.message)


class RoutingRuleViewSet(viewsets.GenericViewSet):
    """Where new items land: the first active rule of the item's kind whose criteria fit decides."""

    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = RoutingRuleSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[RoutingRule]:
        return selectors.routing_rules()

    @extend_schema(
        parameters=[ActiveQuerySerializer],
        responses={200: RoutingRuleSerializer(many=True)},
        description="Every rule, by kind then in the order they are tried.",
    )
    def list(self, request: Request) -> Response:
        params = query(ActiveQuerySerializer, request)
        rules = selectors.routing_rules()
        if "is_active" in params:
            rules = rules.filter(is_active=params["is_active"])
        page = self.paginate_queryset(rules)
        return self.get_paginated_response(RoutingRuleSerializer(page, many=True).data)

    @extend_schema(responses={200: RoutingRuleSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(RoutingRuleSerializer(selectors.routing_rule_get(rule_id=pk)).data)

    @extend_schema(request=RoutingRuleInputSerializer, responses={201: RoutingRuleSerializer, **WRITE_ERRORS})
    def create(self, request: Request) -> Response:
        values = _rule_values(validated(RoutingRuleInputSerializer, request), None)
        try:
            rule = configuration.routing_rule_create(actor=request.user, **values)
        except InvalidInput as error:
            raise _with_api_field_names(error) from None
        return Response(RoutingRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RoutingRuleInputSerializer, responses={200: RoutingRuleSerializer, **WRITE_ERRORS, **READ_ERRORS}
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        rule = selectors.routing_rule_get(rule_id=pk)
        values = _rule_values(validated(RoutingRuleInputSerializer, request, partial=True), rule)
        try:
            rule = configuration.routing_rule_update(actor=request.user, rule_id=rule.pk, **values)
        except InvalidInput as error:
            raise _with_api_field_names(error) from None
        return Response(RoutingRuleSerializer(selectors.routing_rule_get(rule_id=rule.pk)).data)


# --- Business hours of the agencies ---------------------------------------------------------------------


class ClosedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(max_length=120, allow_blank=True, required=False)


class IntervalListField(serializers.ListField):
    """One day's opening intervals: [["09:00", "12:30"], ["13:30", "18:00"]], local times."""

    child = serializers.ListField(child=serializers.CharField(max_length=5), min_length=2, max_length=2)


WEEK_HELP = gettext_lazy("Opening intervals per weekday, local wall-clock times: {\"monday\": [[\"09:00\", \"12:30\"], "
                         "[\"13:30\", \"18:00\"]], …, \"sunday\": []}.")  # fmt: skip


class AgencyCalendarSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    opening_hours = serializers.DictField(child=IntervalListField(), help_text=WEEK_HELP)
    closed_days = ClosedDaySerializer(many=True)
    is_default = serializers.SerializerMethodField(
        help_text=gettext_lazy("True while the agency keeps the default hours (never set by an administrator).")
    )

    class Meta:
        model = AgencyCalendar
        fields = ["agency", "agency_name", "time_zone", "opening_hours", "closed_on_public_holidays",
                  "holiday_subdivision", "closed_days", "is_default"]  # fmt: skip

    def get_is_default(self, calendar: AgencyCalendar) -> bool:
        return calendar.pk is None


class AgencyCalendarInputSerializer(serializers.Serializer):
    time_zone = serializers.CharField(max_length=64, required=False, help_text=gettext_lazy("e.g. Europe/Paris."))
    opening_hours = serializers.DictField(child=IntervalListField(), required=False, help_text=WEEK_HELP)
    closed_on_public_holidays = serializers.BooleanField(required=False)
    holiday_subdivision = serializers.CharField(
        max_length=8, required=False, allow_blank=True,
        help_text=gettext_lazy("A subdivision with holidays of its own (57: Moselle, 974: La Réunion…), or empty."),
    )  # fmt: skip
    closed_days = ClosedDaySerializer(many=True, required=False,
                                      help_text=gettext_lazy("The agency's own closed days (the whole list)."))  # fmt: skip

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "closed_days" in values:
            values["closed_days"] = [{"date": row["date"].isoformat(), "label": row.get("label", "")}
                                     for row in values["closed_days"]]  # fmt: skip
        return values


class AgencyCalendarViewSet(viewsets.GenericViewSet):
    """Each agency's business hours, which the response and resolution targets count: everyone signed in
    reads them, administrators change them. Keyed by the agency's id."""

    permission_classes = [IsAuthenticated, OrgAdminWritesOthersRead]
    serializer_class = AgencyCalendarSerializer
    filter_backends: list = []
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet:
        return selectors.agency_calendars()

    @extend_schema(responses={200: AgencyCalendarSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.agency_calendars())
        calendars = [selectors.calendar_of(agency) for agency in page]
        return self.get_paginated_response(AgencyCalendarSerializer(calendars, many=True).data)

    @extend_schema(responses={200: AgencyCalendarSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(AgencyCalendarSerializer(selectors.agency_calendar_get(agency_id=pk)).data)

    @extend_schema(
        request=AgencyCalendarInputSerializer,
        responses={200: AgencyCalendarSerializer, **WRITE_ERRORS, **READ_ERRORS},
        description="Change the fields given. Items created afterwards count the new hours; open ones keep their "
        "due times.",
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        agency = selectors.agency_calendar_get(agency_id=pk).agency
        data = validated(AgencyCalendarInputSerializer, request, partial=True)
        configuration.agency_calendar_update(actor=request.user, agency_id=agency.pk, **data)
        return Response(AgencyCalendarSerializer(selectors.agency_calendar_get(agency_id=agency.pk)).data)
