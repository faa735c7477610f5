"""Service requests: created by anyone facing the client, worked by a back-office team's queue.

What a request shares with a lead (locking, moves, creation, requalification) is in
`workflow.services.items`; here is what is a request's own: its category and the fields it requires,
the claim, assignment and transfer between teams, and the counters of repeat contacts.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from common.errors import Conflict, InvalidInput
from crm.models import Channel, Client
from workflow import events
from workflow.kinds import LEAD, REQUEST
from workflow.models import Category, Lead, RequestStatus, ServiceRequest
from workflow.routing import team_members
from workflow.selectors import request_get_for_user
from workflow.services import items
from workflow.services.common import record, require_text
from workflow.services.inputs import category_or_error, check_category_fields, product_or_error
from workflow.transitions import next_status


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
    record(actor=actor, item=item, action=events.REQUEST_REPEAT_CONTACT, payload={"source": source})


@transaction.atomic
def service_request_create(
    *, sender: User | None, client_id: int, category: str | Category, subject: str, description: str = "",
    fields: dict[str, Any] | None = None, callback_after: datetime | None = None,
    callback_before: datetime | None = None, origin_channel: str = Channel.INBOUND_CALL, check_rights: bool = True,
) -> ServiceRequest:  # fmt: skip
    """Write a client's request and send it to the right team's queue.

    `check_rights=False` is for channel intake (web form, e-mail), where no person acts.
    """
    new = items.new_item(REQUEST, sender=sender, client_id=client_id, check_rights=check_rights, subject=subject,
                         description=description, callback_after=callback_after, callback_before=callback_before,
                         origin_channel=origin_channel)  # fmt: skip
    category = category_or_error(category)
    fields = check_category_fields(category, fields)
    _note_repeat_contact(client=new.client, category=category, actor=sender)
    return items.write_item(REQUEST, new, category=category, fields=fields)


@transaction.atomic
def service_request_claim(*, request_id: int, user: User) -> ServiceRequest:
    """Take an unclaimed request of one's team. Of simultaneous claims exactly one wins (409 for the rest).

    The claim is one conditional UPDATE: the database lets only one of concurrent claimers match
    `status = new AND assignee IS NULL`.
    """
    request = request_get_for_user(user=user, request_id=request_id)
    REQUEST.require(user=user, item=request, action="claim")
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
    record(actor=user, item=request, action=events.REQUEST_CLAIMED)
    return request


@transaction.atomic
def service_request_assign(*, request_id: int, actor: User, assignee_id: int) -> ServiceRequest:
    """A team lead or manager gives the request to a member of its team."""
    request = items.lock(REQUEST, user=actor, item_id=request_id, action="assign")
    assignee = next((m for m in team_members(request.team) if m.pk == int(assignee_id)), None) if request.team else None
    if assignee is None:
        raise InvalidInput({"assignee": _("Choose a member of the request's team.")})
    next_status(REQUEST.transitions, "assign", request.status)
    if request.status == RequestStatus.NEW:
        request.status = RequestStatus.ASSIGNED
        request.status_changed_at = timezone.now()
    request.assignee = assignee
    if request.first_response_at is None:
        request.first_response_at = timezone.now()
        request.sla_level = 0  # the resolution clock starts from a clean level
    request.routing_reason = {"code": "assigned", "by": actor.pk, "user": assignee.pk}
    request.save()
    record(actor=actor, item=request, action=events.REQUEST_ASSIGNED, payload={"by": actor.pk})
    return request


@transaction.atomic
def service_request_start(*, request_id: int, user: User) -> ServiceRequest:
    request = items.lock(REQUEST, user=user, item_id=request_id, action="start")
    return items.step(
        REQUEST, request, "start", by=user, event=events.REQUEST_STARTED, assignee=request.assignee or user
    )


@transaction.atomic
def service_request_wait(*, request_id: int, user: User, note: str = "") -> ServiceRequest:
    """Waiting on the client: the clock of the request is theirs until they answer."""
    request = items.lock(REQUEST, user=user, item_id=request_id, action="wait")
    items.move(REQUEST, request, "wait")
    if note.strip():
        request.comments.create(author=user, body=note.strip())
    record(actor=user, item=request, action=events.REQUEST_WAITING_CLIENT)
    return request


@transaction.atomic
def service_request_resolve(*, request_id: int, user: User, resolution: str) -> ServiceRequest:
    request = items.lock(REQUEST, user=user, item_id=request_id, action="resolve")
    resolution = require_text(resolution, "resolution")
    now = timezone.now()
    return items.step(REQUEST, request, "resolve", by=user, event=events.REQUEST_RESOLVED, resolution=resolution,
                      resolved_at=now, first_response_at=request.first_response_at or now)  # fmt: skip


@transaction.atomic
def service_request_reopen(*, request_id: int, user: User, reason: str) -> ServiceRequest:
    """The client says it is not solved: back in progress with its holder, counted as a repeat contact."""
    request = items.lock(REQUEST, user=user, item_id=request_id, action="reopen")
    reason = require_text(reason, "reason")
    return items.step(REQUEST, request, "reopen", by=user, event=events.REQUEST_REOPENED,
                      reopen_count=request.reopen_count + 1, resolved_at=None,
                      repeat_contacts=request.repeat_contacts + 1, status_reason=reason)  # fmt: skip


@transaction.atomic
def service_request_close(*, request_id: int, user: User | None) -> ServiceRequest:
    """Close a resolved request (its sender, its team, a manager; or the nightly auto-close)."""
    if user is None:
        request = ServiceRequest.objects.select_for_update().select_related("client").get(pk=request_id)
    else:
        request = items.lock(REQUEST, user=user, item_id=request_id, action="close")
    return items.step(REQUEST, request, "close", by=user, event=events.REQUEST_CLOSED, closed_at=timezone.now())


@transaction.atomic
def service_request_cancel(*, request_id: int, user: User, reason: str) -> ServiceRequest:
    request = items.lock(REQUEST, user=user, item_id=request_id, action="cancel")
    reason = require_text(reason, "reason")
    return items.step(REQUEST, request, "cancel", by=user, event=events.REQUEST_CANCELLED, closed_at=timezone.now(),
                      status_reason=reason)  # fmt: skip


@transaction.atomic
def service_request_transfer(*, request_id: int, user: User, team_id: int, reason: str) -> ServiceRequest:
    """Send the request to the right team: back to `new` in that queue, counted as a misrouting."""
    request = items.lock(REQUEST, user=user, item_id=request_id, action="transfer")
    reason = require_text(reason, "reason")
    team = Team.objects.filter(pk=team_id, is_active=True).first()
    if team is None:
        raise InvalidInput({"team": _("Choose an active team.")})
    if team.pk == request.team_id:
        raise Conflict(_("The request is already in this team's queue."), status=request.status)
    return items.step(
        REQUEST, request, "transfer", by=user, event=events.REQUEST_TRANSFERRED,
        payload={"from_team": request.team_id, "to_team": team.pk},
        team=team, assignee=None, transfer_count=request.transfer_count + 1, routing_rule=None, sla_level=0,
        routing_reason={"code": "transferred", "by": user.pk, "team": team.pk, "reason": reason[:200]},
        status_reason=reason,
    )  # fmt: skip


@transaction.atomic
def service_request_comment(*, request_id: int, user: User, body: str) -> ServiceRequest:
    return items.comment(REQUEST, item_id=request_id, user=user, body=body)


@transaction.atomic
def service_request_repeat_contact(*, request_id: int, user: User) -> ServiceRequest:
    """Reception records that the client called back about this request."""
    request = items.lock(REQUEST, user=user, item_id=request_id, action="repeat_contact")
    next_status(REQUEST.transitions, "repeat_contact", request.status)
    _count_repeat_contact(item=request, actor=user, source="callback")
    return request


@transaction.atomic
def service_request_requalify(
    *, request_id: int, user: User, reason: str, subject: str = "", product_id: int | None = None
) -> tuple[ServiceRequest, Lead]:
    """It was a sales opportunity: close the request as requalified and route a lead, both linked."""
    request = items.lock(REQUEST, user=user, item_id=request_id, action="requalify")
    reason = require_text(reason, "reason")
    own = {"product": product_or_error(product_id)}
    lead = items.requalify(REQUEST, request, into=LEAD, by=user, reason=reason, subject=subject, own=own,
                           noted={"by": user.pk})  # fmt: skip
    return request, lead
