"""Reporting's pages: the manager's dashboard (and its fragment for the landing page), "my figures",
the definitions, the drill-down lists, the alerts, CSV exports and jobs. Thin doors to the services,
selectors and `reporting.dashboard`; out-of-scope units answer 404 (`common.pages.domain_errors_as_http`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import Conflict
from common.pages import domain_errors_as_http
from reporting import services
from reporting.alerts import visible_alerts
from reporting.charts import bar_chart, trend_chart
from reporting.dashboard import build_dashboard
from reporting.drill import DRILLS, drill_items
from reporting.exports import TABLES, export_csv
from reporting.indicators import BY_CODE, INDICATORS
from reporting.models import ACTIVE_ALERT_STATUSES, JobStatus, ScopeKind
from reporting.periods import parse_period
from reporting.scopes import unit_for_user

# Tables with more rows than this are exported by a job (the page shows its progress).
EXPORT_INLINE_ROWS = 300
OPEN_ALERTS_SHOWN = 10


def _dashboard_context(request: HttpRequest, *, mine: bool = False) -> dict:
    scope = f"user:{request.user.pk}" if mine else request.GET.get("scope")
    unit = unit_for_user(user=request.user, scope=scope)
    period = parse_period(request.GET.get("period"))
    board = build_dashboard(user=request.user, unit=unit, period=period, with_below=not mine)
    labels = [p.code for p in board.trend_periods]
    counts = [
        (str(BY_CODE[code].label), values) for code, values in board.trends.items() if BY_CODE[code].unit == "count"
    ]
    rates = [
        (str(BY_CODE[code].label), values) for code, values in board.trends.items() if BY_CODE[code].unit != "count"
    ]
    charts = []
    if counts:
        charts.append({"title": _("Activity"), "uri": trend_chart(title=_("Activity"), labels=labels, series=counts),
                       "series": counts})  # fmt: skip
    if rates:
        charts.append({"title": _("Conversion (%)"), "uri": trend_chart(title=_("Conversion (%)"), labels=labels,
                                                                        series=rates), "series": rates})  # fmt: skip
    comparison_chart = None
    if board.below:
        lead = BY_CODE["lead_conversion"]
        rows = [(below.name, board.below_figures.get(below.id, {}).get(lead.code)) for below in board.below]
        comparison_chart = bar_chart(title=str(lead.label), rows=rows)
    alerts = []
    if not mine:
        alerts = list(visible_alerts(request.user).filter(status__in=ACTIVE_ALERT_STATUSES)
                      .order_by("-raised_at", "-pk")[:OPEN_ALERTS_SHOWN])  # fmt: skip
    return {
        "board": board, "unit": unit, "period": period, "mine": mine, "charts": charts, "labels": labels,
        "comparison_chart": comparison_chart, "alerts": alerts, "drills": DRILLS,
        "previous": period.previous().code, "next": period.following().code,
        "below_level": board.below[0].kind if board.below else None, "ScopeKind": ScopeKind,
    }  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/dashboard.html", _dashboard_context(request))


@require_GET
@login_required
@domain_errors_as_http
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """The dashboard as a fragment, for the top of the manager's landing page (htmx or include)."""
    return render(request, "reporting/_dashboard.html", _dashboard_context(request))


@require_GET
@login_required
@domain_errors_as_http
def my_figures(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/dashboard.html", _dashboard_context(request, mine=True))


@require_GET
@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/definitions.html", {"indicators": INDICATORS})


@require_GET
@login_required
def definition(request: HttpRequest, code: str) -> HttpResponse:
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404()
    return render(request, "reporting/definition.html", {"indicator": indicator})


@require_GET
@login_required
@domain_errors_as_http
def drill(request: HttpRequest, code: str) -> HttpResponse:
    if code not in DRILLS:
        raise Http404()
    unit = unit_for_user(user=request.user, scope=request.GET.get("scope"))
    leads, requests = drill_items(unit=unit, code=code)
    return render(request, "reporting/drill.html",
                  {"unit": unit, "title": DRILLS[code], "leads": leads, "requests": requests, "code": code})  # fmt: skip


@require_GET
@login_required
@domain_errors_as_http
def alerts(request: HttpRequest) -> HttpResponse:
    found = visible_alerts(request.user).order_by("-raised_at", "-pk")[:100]
    return render(request, "reporting/alerts.html", {"alerts": found})


@require_POST
@login_required
@domain_errors_as_http
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        services.alert_acknowledge(actor=request.user, alert_id=alert_id)
        messages.success(request, _("Alert acknowledged."))
    except Conflict as conflict:
        messages.warning(request, conflict.message)
    back = request.POST.get("next") or ""
    return redirect(back if back.startswith("/") and not back.startswith("//") else reverse("reporting:alerts"))


@require_GET
@login_required
@domain_errors_as_http
def export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404()
    scope, period = request.GET.get("scope"), request.GET.get("period")
    unit = unit_for_user(user=request.user, scope=scope)
    if table == "units" and len(unit.agency_ids) > EXPORT_INLINE_ROWS:
        job = services.job_export_start(actor=request.user, table=table, scope=unit.code, period=period)
        return redirect("reporting:job", job_id=job.pk)
    text = export_csv(user=request.user, table=table, scope=unit.code, period=period)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-{unit.kind}-{unit.id}.csv"'
    return response


@require_POST
@login_required
@domain_errors_as_http
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        job = services.job_full_refresh_start(actor=request.user)
    except Conflict as conflict:
        messages.warning(request, conflict.message)
        return redirect("reporting:job", job_id=conflict.extra["job"])
    return redirect("reporting:job", job_id=job.pk)


@require_GET
@login_required
@domain_errors_as_http
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = services.job_get_for_user(user=request.user, job_id=job_id)
    if request.GET.get("download") and found.status == JobStatus.DONE and found.kind == services.EXPORT:
        response = HttpResponse(found.result, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="export-{found.pk}.csv"'
        return response
    running = found.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    return render(request, "reporting/job.html", {"job": found, "running": running})
