"""Reporting under /api/v1/ (DESIGN.md section 10): thin doors to `reporting.services` and the selectors.

- `reports/indicators/?scope=&period=[&below=1]`: the unit's figures (and its units below side by side);
  a unit the caller may not see answers 404, whatever its level.
- `objectives/` (list for a scope and period, with actuals; POST sets one), `objectives/{id}/`,
  `objectives/{id}/split/` (400 naming `parts` when they do not make the whole).
- `alert-rules/` (list, POST), `alerts/` (list, `?status=`), `alerts/{id}/ack/` (409 unless open).
- `reports/refresh/` (POST: a full rebuild as a job, 202), `reports/exports/` (POST: a CSV job, 202),
  `jobs/{id}/` (progress) and `jobs/{id}/download/` (an export's CSV).
"""

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ErrorSerializer, validated
from reporting import services
from reporting.alerts import visible_alerts
from reporting.dashboard import build_dashboard
from reporting.indicators import INDICATORS
from reporting.models import ACTIVE_ALERT_STATUSES, Alert, AlertRule, AlertStatus, Comparison, JobStatus, ScopeKind
from reporting.periods import parse_period
from reporting.scopes import children, load_units, may_see, unit_for_user
from reporting.selectors import objectives_visible, with_actuals

SCOPE = OpenApiParameter("scope", str, description=gettext_lazy(
    "national, region:{id}, agency:{id}, team:{id} or user:{id}; empty: the widest unit the caller sees."))  # fmt: skip
PERIOD = OpenApiParameter("period", str, description=gettext_lazy(
    "2026-11-05 (day), 2026-W45 (week), 2026-11 (month) or 2026-Q4 (quarter); empty: this month."))  # fmt: skip
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _number(value):
    return value  # rendered by the serializers (two decimals, as strings)


class FigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    objective = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    attainment = serializers.DecimalField(max_digits=8, decimal_places=0, allow_null=True)
    has_source = serializers.BooleanField()


class UnitFiguresSerializer(serializers.Serializer):
    scope = serializers.CharField()
    name = serializers.CharField()
    values = serializers.DictField(child=serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True))


class IndicatorsSerializer(serializers.Serializer):
    scope = serializers.CharField()
    name = serializers.CharField()
    period = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    indicators = FigureSerializer(many=True)
    below = UnitFiguresSerializer(many=True)


class IndicatorsView(APIView):
    @extend_schema(parameters=[SCOPE, PERIOD, OpenApiParameter("below", bool)],
                   responses={200: IndicatorsSerializer, 400: ErrorSerializer, 404: ErrorSerializer})  # fmt: skip
    def get(self, request: Request) -> Response:
        """Every indicator of a unit over a period, with its objective; `below=1` adds the units below."""
        unit = unit_for_user(user=request.user, scope=request.query_params.get("scope"))
        period = parse_period(request.query_params.get("period"))
        below = request.query_params.get("below") in ("1", "true")
        board = build_dashboard(user=request.user, unit=unit, period=period, with_below=below, with_trend=False)
        return Response(IndicatorsSerializer({
            "scope": unit.code, "name": unit.name, "period": period.code, "start": period.start, "end": period.end,
            "indicators": [{"code": f.indicator.code, "label": str(f.indicator.label), "unit": f.indicator.unit,
                            "value": _number(f.value), "objective": _number(f.objective),
                            "attainment": _number(f.attainment), "has_source": f.indicator.has_source}
                           for f in board.figures],
            "below": [{"scope": u.code, "name": u.name,
                       "values": {code: _number(v) for code, v in board.below_figures.get(u.id, {}).items()}}
                      for u in board.below],
        }).data)  # fmt: skip


class ObjectiveSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    metric = serializers.CharField()
    period = serializers.CharField()
    scope = serializers.CharField()
    value = serializers.DecimalField(max_digits=16, decimal_places=2)
    weight = serializers.DecimalField(max_digits=10, decimal_places=4, allow_null=True)
    parent = serializers.IntegerField(allow_null=True)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    attainment = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class ObjectiveInputSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(choices=[(i.code, i.code) for i in INDICATORS])
    period = serializers.CharField(max_length=10)
    scope = serializers.CharField(max_length=40)
    value = serializers.DecimalField(max_digits=16, decimal_places=2)


class PartSerializer(serializers.Serializer):
    scope = serializers.CharField(max_length=40)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    weight = serializers.DecimalField(max_digits=10, decimal_places=4, required=False)


class SplitInputSerializer(serializers.Serializer):
    parts = PartSerializer(many=True, allow_empty=True)


def _objective_rows(rows) -> list[dict]:
    return [{"id": o.pk, "metric": o.metric, "period": o.period, "scope": o.scope, "value": o.value,
             "weight": o.weight, "parent": o.parent_id, "actual": actual, "attainment": rate}
            for o, actual, rate in rows]  # fmt: skip


class ObjectiveListView(APIView):
    @extend_schema(parameters=[SCOPE, PERIOD], responses={200: ObjectiveSerializer(many=True), 404: ErrorSerializer})
    def get(self, request: Request) -> Response:
        """The objectives of a unit and of the units right below it, for a period, with actuals and attainment."""
        unit = unit_for_user(user=request.user, scope=request.query_params.get("scope"))
        period = parse_period(request.query_params.get("period"))
        rows = with_actuals(objectives_visible(user=request.user, period=period, units=[unit, *children(unit)]), period)
        return Response(ObjectiveSerializer(_objective_rows(rows), many=True).data)

    @extend_schema(request=ObjectiveInputSerializer, responses={201: ObjectiveSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        """Set the objective of a unit (managers of the unit, admins)."""
        data = validated(ObjectiveInputSerializer, request)
        objective = services.objective_set(actor=request.user, **data)
        rows = with_actuals([objective], parse_period(objective.period))
        return Response(ObjectiveSerializer(_objective_rows(rows)[0]).data, status=status.HTTP_201_CREATED)


class ObjectiveDetailView(APIView):
    @extend_schema(responses={200: ObjectiveSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        objective = services.objective_get_for_user(user=request.user, objective_id=pk)
        rows = with_actuals([objective], parse_period(objective.period))
        return Response(ObjectiveSerializer(_objective_rows(rows)[0]).data)


class ObjectiveSplitView(APIView):
    @extend_schema(request=SplitInputSerializer, responses={200: ObjectiveSerializer(many=True), **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Split the objective among units below it: every part a value, or every part a weight."""
        parts = [dict(part) for part in validated(SplitInputSerializer, request)["parts"]]
        written = services.objective_split(actor=request.user, objective_id=pk, parts=parts)
        rows = with_actuals(written, parse_period(written[0].period)) if written else []
        return Response(ObjectiveSerializer(_objective_rows(rows), many=True).data)


class AlertRuleSerializer(serializers.ModelSerializer):
    scope = serializers.CharField()

    class Meta:
        model = AlertRule
        fields = ["id", "name", "metric", "scope", "each", "comparison", "threshold", "window_days", "is_active"]


class AlertRuleInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, allow_blank=True)
    metric = serializers.ChoiceField(choices=[(i.code, i.code) for i in INDICATORS])
    scope = serializers.CharField(max_length=40)
    each = serializers.ChoiceField(choices=ScopeKind.choices, required=False, allow_blank=True)
    comparison = serializers.ChoiceField(choices=Comparison.choices)
    threshold = serializers.DecimalField(max_digits=16, decimal_places=2)
    window_days = serializers.IntegerField(min_value=1, max_value=366, required=False)


class AlertRuleListView(APIView):
    @extend_schema(responses={200: AlertRuleSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """The alert rules on the units the caller may see."""
        rules = list(AlertRule.objects.all()[:500])  # a setting, written by managers: a few dozen at most
        units = load_units({(rule.scope_kind, rule.scope_id) for rule in rules})
        rules = [rule for rule in rules if (key := (rule.scope_kind, rule.scope_id)) in units
                 and may_see(request.user, units[key])]  # fmt: skip
        return Response(AlertRuleSerializer(rules, many=True).data)

    @extend_schema(request=AlertRuleInputSerializer, responses={201: AlertRuleSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        rule = services.alert_rule_create(actor=request.user, **validated(AlertRuleInputSerializer, request))
        return Response(AlertRuleSerializer(rule).data, status=status.HTTP_201_CREATED)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.IntegerField(source="rule_id")
    rule_name = serializers.CharField(source="rule.name")
    metric = serializers.CharField(source="rule.metric")
    unit = serializers.CharField()
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    value = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    raised_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class AlertListView(generics.ListAPIView):
    """The alerts of the caller's units, newest first (`status=` filters; default: open and acknowledged)."""

    serializer_class = AlertSerializer
    # Paginated like every list of the API; as a ListAPIView its schema says so (it said a bare array).
    pagination_class = PageNumberPagination

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=AlertStatus.values)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generator asks as nobody
            return Alert.objects.none()
        wanted = self.request.query_params.get("status")
        alerts = visible_alerts(self.request.user)
        if wanted in AlertStatus.values:
            alerts = alerts.filter(status=wanted)
        else:
            alerts = alerts.filter(status__in=ACTIVE_ALERT_STATUSES)
        return alerts.order_by("-raised_at", "-pk")


class AlertAckView(APIView):
    @extend_schema(request=None, responses={200: AlertSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        """Acknowledge an open alert (a manager of its unit); 409 when it is acknowledged or resolved already."""
        return Response(AlertSerializer(services.alert_acknowledge(actor=request.user, alert_id=pk)).data)


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.IntegerField(help_text=gettext_lazy("Percent done."))
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class RefreshView(APIView):
    @extend_schema(request=None, responses={202: JobSerializer, 403: ErrorSerializer, 409: ErrorSerializer})
    def post(self, request: Request) -> Response:
        """Rebuild every day's facts, as a job (follow it at `jobs/{id}/`)."""
        job = services.job_full_refresh_start(actor=request.user)
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ExportInputSerializer(serializers.Serializer):
    table = serializers.ChoiceField(choices=[("figures", "figures"), ("units", "units"), ("trend", "trend")])
    scope = serializers.CharField(max_length=40, required=False, allow_blank=True)
    period = serializers.CharField(max_length=10, required=False, allow_blank=True)


class ExportView(APIView):
    @extend_schema(request=ExportInputSerializer, responses={202: JobSerializer, **ERRORS})
    def post(self, request: Request) -> Response:
        """Export a dashboard table as CSV, as a job; download it from `jobs/{id}/download/` once done."""
        job = services.job_export_start(actor=request.user, **validated(ExportInputSerializer, request))
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    @extend_schema(responses={200: JobSerializer, 404: ErrorSerializer})
    def get(self, request: Request, pk: int) -> Response:
        """A job's progress (its creator and admins; others 404)."""
        return Response(JobSerializer(services.job_get_for_user(user=request.user, job_id=pk)).data)


class JobDownloadView(APIView):
    @extend_schema(responses={(200, "text/csv"): str, 404: ErrorSerializer, 409: ErrorSerializer})
    def get(self, request: Request, pk: int):
        job = services.job_get_for_user(user=request.user, job_id=pk)
        if job.kind != services.EXPORT or job.status != JobStatus.DONE:
            return Response({"detail": str(gettext_lazy("The export is not ready."))}, status=status.HTTP_409_CONFLICT)
        response = HttpResponse(job.result, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="export-{job.pk}.csv"'
        return response
