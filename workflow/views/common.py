"""What the workflow pages share: SLA and routing shown on list rows, and the admin-only guard."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from common.pages import domain_errors_as_http
from workflow.due import annotate_due, is_overdue
from workflow.models import Lead, ServiceRequest
from workflow.routing import describe_routing
from workflow.selectors import routing_names

Item = ServiceRequest | Lead


def annotate_for_display(items: Iterable[Item]) -> list[Item]:
    """Give each row its routing reason in words and its SLA deadline, in a fixed number of queries.

    The deadline is `workflow.due`'s, the one the SLA scan reminds by: rows from a list selector carry
    it already (`sla_due_at`); a row fetched on its own (after an action) gets it in one more query.
    """
    items = list(items)
    names = routing_names(reasons=[item.routing_reason for item in items])
    missing = [item for item in items if not hasattr(item, "sla_due_at")]
    for model in {type(item) for item in missing}:
        rows = annotate_due(model.objects.filter(pk__in=[item.pk for item in missing if type(item) is model]))
        due = dict(rows.values_list("pk", "sla_due_at"))
        for item in missing:
            if type(item) is model:
                item.sla_due_at = due.get(item.pk)
    now = timezone.now()
    for item in items:
        item.routing_text = describe_routing(item.routing_reason, names)
        item.sla_due = item.sla_due_at
        item.sla_overdue = is_overdue(item.sla_due_at, now)
    return items


def admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Workflow settings are an administrator's job (DESIGN.md section 2); others get 403."""

    @wraps(view)
    @login_required
    @domain_errors_as_http
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        rights.require_org_admin(request.user, _("Only an administrator can change the workflow settings."))
        return view(request, *args, **kwargs)

    return wrapper
