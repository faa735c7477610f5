"""The items behind a figure, now: what a manager opens from a dashboard figure (drill-down).

Figures come from facts; the items behind them are the workflow's rows, read here scoped to the unit
(which the caller may see, `scopes.unit_for_user`) and bounded (the first `LIMIT`, most urgent first).
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import ScopeKind
from reporting.scopes import Unit
from reporting.sources.workflow import OLD_BACKLOG_DAYS
from workflow.models import OPEN_LEAD_STATUSES, OPEN_REQUEST_STATUSES, Lead, ServiceRequest

LIMIT = 100

DRILLS = {
    "overdue_leads": _("Overdue leads"),
    "leads_untouched": _("Leads without a first response"),
    "requests_past_sla": _("Service requests past target"),
    "backlog": _("Open leads and service requests"),
    "backlog_old": _("Open items older than 3 days"),
}


def _in_unit(unit: Unit) -> Q:
    if unit.kind == ScopeKind.USER:
        return Q(assignee_id=unit.id)
    if unit.kind == ScopeKind.TEAM:
        return Q(team_id=unit.id)
    return Q(client__agency_id__in=unit.agency_ids)


def drill_items(*, unit: Unit, code: str) -> tuple[list[Lead], list[ServiceRequest]]:
    """(leads, requests) behind the figure `code` for the unit, most overdue first, at most LIMIT each."""
    now = timezone.now()
    leads: QuerySet = Lead.objects.none()
    requests: QuerySet = ServiceRequest.objects.none()
    open_leads = Lead.objects.filter(_in_unit(unit), status__in=OPEN_LEAD_STATUSES)
    open_requests = ServiceRequest.objects.filter(_in_unit(unit), status__in=OPEN_REQUEST_STATUSES)
    if code == "overdue_leads":
        leads = open_leads.filter(
            Q(first_response_at__isnull=True, response_due_at__lt=now) | Q(resolution_due_at__lt=now)
        ).order_by("response_due_at", "pk")
    elif code == "leads_untouched":
        leads = open_leads.filter(first_response_at__isnull=True).order_by("created_at", "pk")
    elif code == "requests_past_sla":
        requests = open_requests.filter(resolution_due_at__lt=now).order_by("resolution_due_at", "pk")
    elif code in ("backlog", "backlog_old"):
        if code == "backlog_old":
            old = now - timedelta(days=OLD_BACKLOG_DAYS)
            open_leads, open_requests = open_leads.filter(created_at__lt=old), open_requests.filter(created_at__lt=old)
        leads, requests = open_leads.order_by("created_at", "pk"), open_requests.order_by("created_at", "pk")
    related = ("client", "assignee", "team")
    return list(leads.select_related(*related)[:LIMIT]), list(requests.select_related(*related)[:LIMIT])
