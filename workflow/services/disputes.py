"""Disputes over who is credited for a sale: anyone contests, a manager of the unit decides (issue 9).

Opening one needs only to see the sale and to say why. Deciding takes a manager of the client's
agency (or an admin) other than whoever opened it, and a written reason; upheld, the credits are
rewritten as a new version (the previous one kept), rejected, they stay. The dispute, the decision and
both credit sets are in the trace, by ids and shares; the reasons stay on the row. Of simultaneous
decisions exactly one is taken, the others get a conflict: the sale's row is locked, then the
dispute moves out of `open` with one conditional UPDATE.
"""

from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput, PermissionDenied
from trace.services import trace_append
from workflow import events
from workflow.attribution import Line
from workflow.models_sales import CreditRole, CreditRule, Dispute, DisputeStatus
from workflow.selectors_sales import dispute_get_for_user, dispute_opened_event, sale_get_for_user
from workflow.services.credits import credit_rows_payload, credits_rewrite, current_set, set_payload

REASON_MAX = 2000
MAX_ROWS = 6
OUTCOMES = (DisputeStatus.UPHELD, DisputeStatus.REJECTED)


def _reason(value: str | None, field: str = "reason") -> str:
    reason = (value or "").strip()
    if not reason:
        raise InvalidInput({field: _("This field is required.")})
    if len(reason) > REASON_MAX or "\x00" in reason:
        raise InvalidInput({field: _("Write at most %(max)s characters of plain text.") % {"max": REASON_MAX}})
    return reason


@transaction.atomic
def dispute_open(*, actor: User, sale_id: int, reason: str) -> Dispute:
    """Contest the credits of a sale the actor can see, saying why.

    Out of scope: NotFound; no reason: InvalidInput; a cancelled sale, or a dispute of the actor's on
    this sale still open: Conflict.
    """
    sale = sale_get_for_user(user=actor, sale_id=sale_id, lock=True)
    reason = _reason(reason)
    if sale.is_cancelled:
        raise Conflict(_("This sale was cancelled: its credits were reversed, there is nothing to contest."),
                       status="cancelled")  # fmt: skip
    contested = current_set(sale)
    if contested is None:
        raise Conflict(_("This sale has no credits yet."), status="recorded")
    if Dispute.objects.filter(sale=sale, opened_by=actor, status=DisputeStatus.OPEN).exists():
        raise Conflict(_("You already contest this sale's credits; your dispute is waiting for a manager."),
                       status=DisputeStatus.OPEN)  # fmt: skip
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(sale=sale, contested_set=contested, opened_by=actor, reason=reason)
    except IntegrityError:
        raise Conflict(_("You already contest this sale's credits; your dispute is waiting for a manager."),
                       status=DisputeStatus.OPEN) from None  # fmt: skip
    trace_append(actor=actor, action=events.DISPUTE_OPENED, obj=dispute, client_id=sale.client_id,
                 payload={"dispute": dispute.pk, "sale": sale.pk, "version": contested.version})  # fmt: skip
    return dispute


def may_decide(*, user: User, dispute: Dispute) -> bool:
    """A manager of the sale's client's agency, or an admin; never the person who opened the dispute."""
    if user.pk == dispute.opened_by_id:
        return False
    return rights.is_org_admin(user) or rights.has_agency_perm(user, rights.MANAGE_UNIT, dispute.sale.client.agency_id)


def _share(value: Any) -> Decimal | None:
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not share.is_finite() or not Decimal("0") < share <= Decimal("100") or share != share.quantize(Decimal("0.01")):
        return None
    return share


def clean_credit_rows(rows: Any) -> list[Line]:
    """A manager's credit rows, checked: people who exist, known roles, shares of 0.01 to 100 summing to 100.

    Each problem is a 400 on `credits` that says which row; a row repeated (same person and role) too.
    """
    if not isinstance(rows, list | tuple) or not 1 <= len(rows) <= MAX_ROWS:
        raise InvalidInput({"credits": _("Give between 1 and %(max)s credit rows.") % {"max": MAX_ROWS}})
    people_ids = set()
    for row in rows:
        try:
            people_ids.add(int(row.get("person")))
        except (AttributeError, TypeError, ValueError, OverflowError):
            continue
    known = set(User.objects.filter(pk__in=people_ids).values_list("pk", flat=True)) if people_ids else set()
    lines: list[Line] = []
    for number, row in enumerate(rows, start=1):
        where = {"row": number}
        person = row.get("person") if isinstance(row, dict) else None
        try:
            person = int(person)
        except (TypeError, ValueError, OverflowError):
            person = None
        if person not in known:
            raise InvalidInput({"credits": _("Row %(row)s: choose a person.") % where})
        role = row.get("role")
        if role not in CreditRole.values:
            raise InvalidInput({"credits": _("Row %(row)s: choose a role.") % where})
        share = _share(row.get("share"))
        if share is None:
            raise InvalidInput({"credits": _("Row %(row)s: a share is a percentage above 0, at most 100.") % where})
        lines.append(Line(person, role, share, CreditRule.DISPUTE, ()))
    if any(count > 1 for count in Counter((line.person, line.role) for line in lines).values()):
        raise InvalidInput({"credits": _("Each person appears once per role.")})
    total = sum(line.share for line in lines)
    if total != Decimal("100"):
        raise InvalidInput({"credits": _("The shares add up to %(total)s %%, not 100 %%.") % {"total": total}})
    return lines


@transaction.atomic
def dispute_decide(*, dispute_id: int, actor: User, outcome: str, reason: str, credits: Any = None) -> Dispute:
    """Decide a dispute: `upheld` rewrites the sale's credits as `credits` (rows of person, role, share),
    `rejected` keeps them; either way with a written reason.

    Out of scope: NotFound; not a manager of the unit, or the dispute's own opener: PermissionDenied;
    bad outcome, reason or rows (or rows that say what the credits already say): InvalidInput;
    already decided (someone was first) or the sale cancelled: Conflict, and nothing is written.
    """
    dispute = dispute_get_for_user(user=actor, dispute_id=dispute_id)
    if not may_decide(user=actor, dispute=dispute):
        raise PermissionDenied(_("A manager of the client's agency, other than whoever contests, decides."))
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": _("Uphold the dispute (rewrite the credits) or reject it.")})
    reason = _reason(reason)
    # The sale's lock orders decisions on its credits; the conditional update below picks the first.
    sale = sale_get_for_user(user=actor, sale_id=dispute.sale_id, lock=True)
    dispute.refresh_from_db(fields=["status"])
    if not dispute.is_open:  # someone was first: say so before judging the rows
        raise Conflict(_("This dispute was already decided or closed."), status=dispute.status)
    lines = clean_credit_rows(credits) if outcome == DisputeStatus.UPHELD else []
    previous = current_set(sale)
    if lines and previous is not None:
        now_rows = sorted((c.person_id, c.role, c.share) for c in previous.credits.all())
        if now_rows == sorted((line.person, line.role, line.share) for line in lines):
            raise InvalidInput({"credits": _("These are the credits already written: reject the dispute instead.")})
    decided_at = timezone.now()
    taken = Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPEN).update(
        status=outcome, decided_by=actor, decided_at=decided_at, decision_reason=reason
    )
    if not taken:
        dispute.refresh_from_db(fields=["status"])
        raise Conflict(_("This dispute was already decided or closed."), status=dispute.status)
    opened = dispute_opened_event(dispute=dispute)
    payload: dict[str, Any] = {"dispute": dispute.pk, "sale": sale.pk, "outcome": outcome,
                               "previous": set_payload(previous) if previous else None, "current": None}  # fmt: skip
    new_set = None
    if lines:
        opened_ids = (opened.pk,) if opened else ()
        lines = [Line(line.person, line.role, line.share, line.rule, opened_ids) for line in lines]
        previous, new_set = credits_rewrite(sale=sale, lines=lines, actor=actor)
        payload["current"] = {"version": new_set.version, "kind": new_set.kind,
                              "credits": credit_rows_payload(list(new_set.credits.order_by("pk")))}  # fmt: skip
    event = trace_append(actor=actor, action=events.DISPUTE_DECIDED, obj=dispute, client_id=sale.client_id,
                         payload=payload)  # fmt: skip
    if new_set is not None:
        type(new_set).objects.filter(pk=new_set.pk).update(trace_event_id=event.pk)
        Dispute.objects.filter(pk=dispute.pk).update(resulting_set=new_set)
    dispute.refresh_from_db()
    return dispute
