"""Service requests: created by anyone facing the client, worked by a back-office team's queue.

What a request shares with a lead (locking, moves, creation, requalification) is in
`workflow.services.items`; here is what is a request's own: its category and the fields it requires,
the claim, assignment and transfer between teams, and the counters of repeat contacts.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Case, F, PositiveSmallIntegerField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from common.errors import Conflict, InvalidInput
from crm.models import Channel, Client
from workflow import events, selectors
from workflow.due import due_dates
from workflow.kinds import LEAD, REQUEST
from workflow.models import OPEN_REQUEST_STATUSES, Category, Lead, RequestStatus, ServiceRequest
from workflow.routing import team_members
from workflow.selectors import request_get_for_user, user_team_ids
from workflow.services import items
from workflow.services.common import record, require_text
from workflow.services.inputs import category_or_error, check_category_fields, product_or_error
from workflow.transitions import next_status


def _count_repeat_contact(*, item: ServiceRequest, actor: User | None, source: str) -> None:
    ServiceRequest.objects.filter(pk=item.pk).update(repeat_contacts=F("repeat_contacts") + 1)
    item.refresh_from_db(fields=["repeat_contacts"])
    record(actor=actor, item=item, action=events.REQUEST_REPEAT_CONTACT, payload={"source": source})


def open_request_of(*, client: Client, category: Category) -> ServiceRequest | None:
    """The client's open request of this category, the oldest if several were opened anyway."""
    return (
        ServiceRequest.objects.filter(client=client, category=category, status__in=OPEN_REQUEST_STATUSES)
        .order_by("created_at", "pk")
        .first()
    )


@transaction.atomic
def service_request_create(
    *, sender: User | None, client_id: int, category: str | Category, subject: str, description: str = "",
    fields: dict[str, Any] | None = None, callback_after: datetime | None = None,
    callback_before: datetime | None = None, origin_channel: str = Channel.INBOUND_CALL, check_rights: bool = True,
    confirm: bool = False, reason: str = "",
) -> ServiceRequest:  # fmt: skip
    """Write a client's request and send it to the right team's queue.

    One open matter per category (issue 8): while the client has an open request of this category,
    a person creating another gets a 409 carrying the open one (`open_request`), so that the call is
    added to it (`service_request_repeat_contact`, in their own name); repeated with `confirm` and a
    `reason`, a second request is opened anyway and says which one was open and why.

    `check_rights=False` is for channel intake (web form, e-mail), where no person acts: it answers
    the same whatever exists, so it opens the request without asking.
    """
    new = items.new_item(REQUEST, sender=sender, client_id=client_id, check_rights=check_rights, subject=subject,
                         description=description, callback_after=callback_after, callback_before=callback_before,
                         origin_channel=origin_channel)  # fmt: skip
    category = category_or_error(category)
    fields = check_category_fields(category, fields)
    # Two people sending the same client's matter at once: the second waits, then sees the first.
    Client.objects.select_for_update().filter(pk=new.client.pk).first()
    already = open_request_of(client=new.client, category=category) if check_rights else None
    reason = (reason or "").strip()
    if already is not None and confirm and not reason:
        raise InvalidInput({"reason": _("Say why a second request is needed while one is open.")})
    if already is not None and not confirm:
        raise Conflict(
            _("%(client)s already has an open “%(category)s” request, %(ref)s (“%(subject)s”): add this call to it, "
              "or confirm a second request with a reason.")
            % {"client": new.client.name, "category": category.name, "ref": already.reference,
               "subject": already.subject},
            status=already.status, open_request={"id": already.pk, "reference": already.reference,
                                                 "subject": already.subject, "status": already.status},
        )  # fmt: skip
    despite = {"opened_despite": already, "opened_despite_reason": reason[:500]} if already is not None else {}
    return items.write_item(REQUEST, new, category=category, fields=fields, **despite)


@transaction.atomic
def service_request_claim(*, request_id: int, user: User) -> ServiceRequest:
    """Take an unclaimed request of one's team. Of simultaneous claims exactly one wins (409 for the rest).

    The claim is one conditional UPDATE: the database lets only one of concurrent claimers match
    `status = new AND assignee IS NULL`.
    """
    request = request_get_for_user(user=user, request_id=request_id)
    REQUEST.require(user=user, item=request, action="claim")
    now = timezone.now()
    # Also still in a team of the claimer's: a transfer committed while this claim waited for the row
    # moves the request to a queue the claimer is not in, and the claim must then find nothing to take
    # (PostgreSQL re-checks the whole condition on the row the transfer wrote).
    won = ServiceRequest.objects.filter(
        pk=request.pk, status=RequestStatus.NEW, assignee__isnull=True, team_id__in=user_team_ids(user)
    ).update(
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
        if request.team_id not in user_team_ids(user):
            raise Conflict(
                _("%(ref)s was transferred to another team meanwhile: it is no longer in your queue.")
                % {"ref": request.reference},
                status=request.status,
            )
        raise Conflict(
            _("%(ref)s has already been taken in charge: it is “%(status)s”.")
            % {"ref": request.reference, "status": request.get_status_display()},
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
    if assignee.pk == request.assignee_id:
        # As for a lead: giving it again to its holder would trace (and notify) a change that is none.
        raise Conflict(_("The request is already with this person."), status=request.status)
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


def service_request_transfer_targets(*, user: User, request_id: int, category: str | None = None) -> list[Team]:
    """The teams a transfer may choose (no write): for whoever may transfer the request, else 403 (404 out of scope).

    Those of `category` when the transfer is to correct it (400 for an unknown one).
    """
    request = request_get_for_user(user=user, request_id=request_id)
    REQUEST.require(user=user, item=request, action="transfer")
    chosen = category_or_error(category) if category not in (None, "") else request.category
    return list(selectors.transfer_targets(request=request, category=chosen))


def _transfer_refusal(*, team: Team | None, request: ServiceRequest, category: Category) -> str:
    """Why this team may not take the request, in a sentence (it is not one of `transfer_targets`)."""
    if team is None or not team.is_active:
        return _("Choose an active team.")
    if team.kind not in category.handling_team_kinds:
        return _("%(team)s does not handle “%(category)s” requests.") % {"team": team.name, "category": category.name}
    return _("%(team)s does not cover the agency of %(client)s.") % {"team": team.name, "client": request.client.name}


@transaction.atomic
def service_request_transfer(
    *, request_id: int, user: User, team_id: int, reason: str, category: str | None = None,
    fields: dict[str, Any] | None = None,
) -> ServiceRequest:  # fmt: skip
    """Send the request to the right team: back to `new` in that queue, counted as a misrouting.

    The team must handle the request's category and cover the client's agency (`transfer_targets`);
    any other is a 400 naming `team` and why. A transfer may also correct the category (`category`,
    with the new category's `fields`): the team must then handle the new one, and the due times are
    counted again from the request's creation with the new category's targets.
    """
    request = items.lock(REQUEST, user=user, item_id=request_id, action="transfer")
    reason = require_text(reason, "reason")
    new_category = request.category
    if category not in (None, "", request.category.code):
        new_category = category_or_error(category)
    changes: dict[str, Any] = {}
    if new_category != request.category:
        changes["category"] = new_category
        changes["fields"] = check_category_fields(new_category, fields, kept=request.fields)
    elif fields:
        raise InvalidInput({"fields": [_("Fields change only with the category.")]})
    team = Team.objects.filter(pk=team_id).first()
    if team is not None and team.pk == request.team_id:
        raise Conflict(_("The request is already in this team's queue."), status=request.status)
    if (
        team is None
        or not selectors.transfer_targets(request=request, category=new_category).filter(pk=team.pk).exists()
    ):
        raise InvalidInput({"team": _transfer_refusal(team=team, request=request, category=new_category)})
    payload = {"from_team": request.team_id, "to_team": team.pk}
    if "category" in changes:
        payload.update({"from_category": request.category.code, "to_category": new_category.code})
        request.category = new_category
        changes["response_due_at"], changes["resolution_due_at"] = due_dates(request, request.created_at)
    return items.step(
        REQUEST, request, "transfer", by=user, event=events.REQUEST_TRANSFERRED, payload=payload,
        team=team, assignee=None, transfer_count=request.transfer_count + 1, routing_rule=None, sla_level=0,
        routing_reason={"code": "transferred", "by": user.pk, "team": team.pk, "reason": reason[:200]},
        status_reason=reason, **changes,
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
