"""What the workflow pages share: SLA and routing shown on list rows, and the admin-only guard."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from config.pages import domain_errors_as_http
from workflow.models import Lead, ServiceRequest
from workflow.routing import describe_routing
from workflow.selectors import routing_names

Item = ServiceRequest | Lead


def annotate_for_display(items: Iterable[Item]) -> list[Item]:
    """Give each row its routing reason in words and its next SLA deadline, in two queries for the list.

    The deadline is the response target until someone answered, then the resolution target.
    """
    items = list(items)
    names = routing_names(reasons=[item.routing_reason for item in items])
    now = timezone.now()
    for item in items:
        item.routing_text = describe_routing(item.routing_reason, names)
        due = item.response_due_at if item.first_response_at is None else item.resolution_due_at
        item.sla_due = due if item.is_open else None
        item.sla_overdue = bool(item.sla_due and item.sla_due < now)
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
