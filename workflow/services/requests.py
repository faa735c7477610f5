"""Service requests: created by anyone facing the client, worked by a back-office team's queue."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Team, User
from config.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.models import Channel, Client
from crm.selectors import client_get_for_user
from workflow.models import Category, ItemKind, Lead, RequestStatus, ServiceRequest
from workflow.policy import require_request_action
from workflow.routing import route_item, team_members
from workflow.selectors import request_get_for_user, requests_visible
from workflow.services.common import check_callback_window, record, require_text
from workflow.transitions import REQUEST_TRANSITIONS, next_status


def category_or_error(code_or_category: str | Category | None) -> Category:
    if isinstance(code_or_category, Category):
        return code_or_category
    category = Category.objects.filter(code=code_or_category or "", is_active=True).first()
    if category is None:
        raise InvalidInput({"category": _("Unknown category.")})
    return category


def check_category_fields(category: Category, fields: dict[str, Any] | None) -> dict[str, Any]:
    """Every field the category requires, present and not blank; a 400 names each missing one."""
    fields = dict(fields or {})
    missing = {
        name: [_("This field is required for the category “%(category)s”.") % {"category": category.name}]
        for name in category.required_fields
        if not str(fields.get(name) or "").strip()
    }
    if missing:
        raise InvalidInput({"fields": missing})
    return fields


def _note_repeat_contact(*, client: Client, category: Category, actor: User | None) -> None:
    """A new request on a matter already open (or just resolved) means the client had to call back."""
    since = timezone.now() - timedelta(days=settings.REPEAT_CONTACT_DAYS)
    earlier = (
        ServiceRequest.objects.filter(client=client, category=category)
        .filter(
            status__in=[
                RequestStatus.NEW,
                RequestStatus.ASSIGNED,
                RequestStatus.IN_PROGRESS,
                RequestStatus.WAITING_CLIENT,
                RequestStatus.RESOLVED,
            ],
        )  # fmt: skip
        .exclude(status=RequestStatus.RESOLVED, resolved_at__lt=since)
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        _count_repeat_contact(item=earlier, actor=actor, source="new_request")


def _count_repeat_contact(*, item: ServiceRequest, actor: User | None, source: str) -> None:
    ServiceRequest.objects.filter(pk=item.pk).update(repeat_contacts=F("repeat_contacts") + 1)
    item.refresh_from_db(fields=["repeat_contacts"])
    record(actor=actor, item=item, action="repeat_contact", payload={"source": source})


def create_request_row(
    *,
    sender: User | None,
    client: Client,
    category: Category,
    subject: str,
    description: str,
    fields: dict[str, Any],
    callback_after: datetime | None,
    callback_before: datetime | None,
    origin_channel: str,
    requalified_from: Lead | None = None,
) -> ServiceRequest:
    """Route and write a request whose input is already checked. Called inside a transaction."""
    route = route_item(kind=ItemKind.SERVICE_REQUEST, client=client, category=category, channel=origin_channel)
    now = timezone.now()
    request = ServiceRequest.objects.create(
        client=client,
        category=category,
        subject=subject,
        description=description,
        fields=fields,
        sender=sender,
        origin_channel=origin_channel,
        team=route.team,
        assignee=route.assignee,
        routing_rule=route.rule,
        routing_reason=route.reason,
        callback_after=callback_after,
        callback_before=callback_before,
        status=RequestStatus.ASSIGNED if route.assignee else RequestStatus.NEW,
        response_due_at=now + timedelta(hours=category.response_hours),
        resolution_due_at=now + timedelta(hours=category.resolution_hours),
        requalified_from=requalified_from,
    )
    record(actor=sender, item=request, action="created",
           payload={"category": category.code, "rule": route.rule.pk if route.rule else None,
                    "channel": origin_channel, "requalified_from_lead": requalified_from.pk if requalified_from else None})  # fmt: skip
    return request


@transaction.atomic
def service_request_create(
    *,
    sender: User | None,
    client_id: int,
    category: str | Category,
    subject: str,
    description: str = "",
    fields: dict[str, Any] | None = None,
    callback_after: datetime | None = None,
    callback_before: datetime | None = None,
    origin_channel: str = Channel.INBOUND_CALL,
    check_rights: bool = True,
) -> ServiceRequest:
    """Write a client's request and send it to the right team's queue.

    `check_rights=False` is for channel intake (web form, e-mail), where no person acts.
    """
    if check_rights:
        client = client_get_for_user(user=sender, client_id=client_id)
        if not rights.has_agency_perm(sender, rights.CREATE_REQUESTS, client.agency_id):
            raise PermissionDenied(_("You cannot create service requests for this client."))
    else:
        client = Client.objects.select_related("agency", "account_owner").get(pk=client_id)
    category = category_or_error(category)
    subject = require_text(subject, "subject")
    if origin_channel not in Channel.values:
        raise InvalidInput({"origin_channel": _("Unknown channel.")})
    fields = check_category_fields(category, fields)
    check_callback_window(callback_after, callback_before)
    _note_repeat_contact(client=client, category=category, actor=sender)
    return create_request_row(
        sender=sender, client=client, category=category, subject=subject, description=description or "",
        fields=fields, callback_after=callback_after, callback_before=callback_before, origin_channel=origin_channel,
    )  # fmt: skip


def _locked(*, user: User, request_id: int) -> ServiceRequest:
    """The request, if the user may see it (else NotFound), locked for the rest of the transaction."""
    try:
        return (
            requests_visible(user=user)
            .select_for_update(of=("self",))
            .select_related("client", "client__agency", "category")
            .get(pk=int(request_id))
        )
    except (ServiceRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _require(user: User, request: ServiceRequest, action: str) -> None:
    require_request_action(user=user, request=request, action=action)


def _move(request: ServiceRequest, action: str, **changes: Any) -> str:
    previous = request.status
    request.status = next_status(REQUEST_TRANSITIONS, action, request.status)
    if request.status != previous:
        request.status_changed_at = timezone.now()
    for name, value in changes.items():
        setattr(request, name, value)
    request.save()
    return previous


@transaction.atomic
def service_request_claim(*, request_id: int, user: User) -> ServiceRequest:
    """Take an unclaimed request of one's team. Of simultaneous claims exactly one wins (409 for the rest).

    The claim is one conditional UPDATE: the database lets only one of concurrent claimers match
    `status = new AND assignee IS NULL`.
    """
    request = request_get_for_user(user=user, request_id=request_id)
    _require(user, request, "claim")
    now = timezone.now()
    won = ServiceRequest.objects.filter(pk=request.pk, status=RequestStatus.NEW, assignee__isnull=True).update(
        status=RequestStatus.ASSIGNED,
        assignee=user,
        status_changed_at=now,
        updated_at=now,
        first_response_at=Coalesce(F("first_response_at"), now),
        # The response clock stops here; the resolution clock starts from a clean SLA level.
        sla_level=Case(
            When(first_response_at__isnull=True, then=Value(0)),
            default=F("sla_level"),
            output_field=PositiveSmallIntegerField(),
        ),
    )
    if not won:
        request.refresh_from_db()
        raise Conflict(
            _("This request has already been claimed: it is %(status)s.") % {"status": request.status},
            status=request.status,
        )
    request.refresh_from_db()
    record(actor=user, item=request, action="claimed")
    return request


@transaction.atomic
def service_request_assign(*, request_id: int, actor: User, assignee_id: int) -> ServiceRequest:
    """A team lead or manager gives the request to a member of its team."""
    request = _locked(user=actor, request_id=request_id)
    _require(actor, request, "assign")
    assignee = next((m for m in team_members(request.team) if m.pk == int(assignee_id)), None) if request.team else None
    if assignee is None:
        raise InvalidInput({"assignee": _("Choose a member of the request's team.")})
    next_status(REQUEST_TRANSITIONS, "assign", request.status)
    if request.status == RequestStatus.NEW:
        request.status = RequestStatus.ASSIGNED
        request.status_changed_at = timezone.now()
    request.assignee = assignee
    if request.first_response_at is None:
        request.first_response_at = timezone.now()
        request.sla_level = 0  # the resolution clock starts from a clean level
    request.routing_reason = {"code": "assigned", "by": actor.pk, "user": assignee.pk}
    request.save()
    record(actor=actor, item=request, action="assigned", payload={"by": actor.pk})
    return request


@transaction.atomic
def service_request_start(*, request_id: int, user: User) -> ServiceRequest:
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "start")
    _move(request, "start", assignee=request.assignee or user)
    record(actor=user, item=request, action="started")
    return request


@transaction.atomic
def service_request_wait(*, request_id: int, user: User, note: str = "") -> ServiceRequest:
    """Waiting on the client: the clock of the request is theirs until they answer."""
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "wait")
    _move(request, "wait")
    if note.strip():
        request.comments.create(author=user, body=note.strip())
    record(actor=user, item=request, action="waiting_client")
    return request


@transaction.atomic
def service_request_resolve(*, request_id: int, user: User, resolution: str) -> ServiceRequest:
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "resolve")
    resolution = require_text(resolution, "resolution")
    now = timezone.now()
    _move(
        request, "resolve", resolution=resolution, resolved_at=now, first_response_at=request.first_response_at or now
    )
    record(actor=user, item=request, action="resolved")
    return request


@transaction.atomic
def service_request_reopen(*, request_id: int, user: User, reason: str) -> ServiceRequest:
    """The client says it is not solved: back in progress with its holder, counted as a repeat contact."""
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "reopen")
    reason = require_text(reason, "reason")
    _move(request, "reopen", reopen_count=request.reopen_count + 1, resolved_at=None,
          repeat_contacts=request.repeat_contacts + 1, status_reason=reason)  # fmt: skip
    record(actor=user, item=request, action="reopened")
    return request


@transaction.atomic
def service_request_close(*, request_id: int, user: User | None) -> ServiceRequest:
    """Close a resolved request (its sender, its team, a manager; or the nightly auto-close)."""
    if user is None:
        request = ServiceRequest.objects.select_for_update().select_related("client").get(pk=request_id)
    else:
        request = _locked(user=user, request_id=request_id)
        _require(user, request, "close")
    _move(request, "close", closed_at=timezone.now())
    record(actor=user, item=request, action="closed")
    return request


@transaction.atomic
def service_request_cancel(*, request_id: int, user: User, reason: str) -> ServiceRequest:
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "cancel")
    reason = require_text(reason, "reason")
    _move(request, "cancel", closed_at=timezone.now(), status_reason=reason)
    record(actor=user, item=request, action="cancelled")
    return request


@transaction.atomic
def service_request_transfer(*, request_id: int, user: User, team_id: int, reason: str) -> ServiceRequest:
    """Send the request to the right team: back to `new` in that queue, counted as a misrouting."""
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "transfer")
    reason = require_text(reason, "reason")
    team = Team.objects.filter(pk=team_id, is_active=True).first()
    if team is None:
        raise InvalidInput({"team": _("Choose an active team.")})
    if team.pk == request.team_id:
        raise Conflict(_("The request is already in this team's queue."), status=request.status)
    from_team = request.team_id
    _move(request, "transfer", team=team, assignee=None, transfer_count=request.transfer_count + 1,
          routing_reason={"code": "transferred", "by": user.pk, "team": team.pk, "reason": reason[:200]},
          routing_rule=None, sla_level=0, status_reason=reason)  # fmt: skip
    record(actor=user, item=request, action="transferred", payload={"from_team": from_team, "to_team": team.pk})
    return request


@transaction.atomic
def service_request_comment(*, request_id: int, user: User, body: str) -> ServiceRequest:
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "comment")
    body = require_text(body, "body")
    next_status(REQUEST_TRANSITIONS, "comment", request.status)
    comment = request.comments.create(author=user, body=body)
    if request.first_response_at is None and request.assignee_id == user.pk:
        request.first_response_at = comment.created_at
        request.save(update_fields=["first_response_at", "updated_at"])
    record(actor=user, item=request, action="commented", payload={"comment": comment.pk})
    return request


@transaction.atomic
def service_request_repeat_contact(*, request_id: int, user: User) -> ServiceRequest:
    """Reception records that the client called back about this request."""
    request = _locked(user=user, request_id=request_id)
    _require(user, request, "repeat_contact")
    next_status(REQUEST_TRANSITIONS, "repeat_contact", request.status)
    _count_repeat_contact(item=request, actor=user, source="callback")
    return request


@transaction.atomic
def service_request_requalify(
    *, request_id: int, user: User, reason: str, subject: str = "", product_id: int | None = None
) -> tuple[ServiceRequest, Lead]:
    """It was a sales opportunity: close the request as requalified and route a lead, both linked."""
    from workflow.services.leads import create_lead_row, product_or_error

    request = _locked(user=user, request_id=request_id)
    _require(user, request, "requalify")
    reason = require_text(reason, "reason")
    product = product_or_error(product_id)
    _move(request, "requalify", closed_at=timezone.now(), status_reason=reason)
    lead = create_lead_row(
        sender=request.sender or user, client=request.client, subject=subject.strip() or request.subject,
        description=request.description, product=product, callback_after=request.callback_after,
        callback_before=request.callback_before, origin_channel=request.origin_channel, requalified_from=request,
    )  # fmt: skip
    record(actor=user, item=request, action="requalified", payload={"lead": lead.pk, "by": user.pk})
    return request, lead
