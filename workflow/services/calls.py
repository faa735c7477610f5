"""Working a campaign's call list (issue 9): telemarketing and telesales take the next target and record the call.

- `target_take_next`: the next target for an agent. Two agents never get the same one: the take is a
  conditional UPDATE on "nobody holds it" (on PostgreSQL, candidates are read with SKIP LOCKED first
  so agents do not queue behind each other's locks; on SQLite, transactions are writers already).
- `target_record_outcome`: one outcome per call, logged as an interaction and traced; a lead goes
  through `lead_create` (routed by the rules), a sale through `sale_record` (credited by the rule).
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import Conflict, InvalidInput, PermissionDenied
from crm.models import Channel, Direction
from crm.services import interaction_log
from trace.services import trace_append
from workflow import events
from workflow.models_campaigns import Campaign, CampaignStatus, CampaignTarget, TargetOutcome, TargetStatus
from workflow.selectors_campaigns import campaign_get_for_user, target_get_for_user, works_campaign
from workflow.services.leads import lead_create
from workflow.services.sales import sale_record

NOTES_MAX = 2000
FINAL = {TargetOutcome.NOT_INTERESTED, TargetOutcome.LEAD, TargetOutcome.SALE}
CONVERTED = {TargetOutcome.LEAD, TargetOutcome.SALE}


def _agent_campaign(actor: User, campaign_id: int) -> Campaign:
    campaign = campaign_get_for_user(user=actor, campaign_id=campaign_id)
    if not works_campaign(user=actor, campaign=campaign):
        raise PermissionDenied(_("Only the team this campaign is given to calls its targets."))
    if campaign.status != CampaignStatus.RUNNING:
        raise Conflict(_("This campaign is not running."), status=campaign.status)
    return campaign


def _take_cutoff(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.CAMPAIGN_TAKE_MINUTES)


def target_take_next(*, actor: User, campaign_id: int) -> CampaignTarget | None:
    """The target the agent holds on this campaign, else the next one due, taken for them; None when none is due.

    Of agents asking at once, each gets a different target: the take is a conditional UPDATE ("nobody
    holds it, or their hold ran out"), retried on the next candidate when someone else was first.
    """
    campaign = _agent_campaign(actor, campaign_id)
    now = timezone.now()
    cutoff = _take_cutoff(now)
    active = CampaignTarget.objects.filter(campaign=campaign, is_active=True)
    held = active.filter(taken_by=actor, taken_at__gte=cutoff).order_by("taken_at", "id").first()
    if held is not None:
        return _with_context(held)
    free = active.filter(next_call_at__lte=now).filter(Q(taken_by__isnull=True) | Q(taken_at__lt=cutoff))
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _round in range(50):
        with transaction.atomic():
            candidates = free.order_by("next_call_at", "id")
            if skip_locked:
                # One row: locking more would hide them from the agents asking alongside.
                ids = list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True)[:1])
            else:
                ids = list(candidates.values_list("pk", flat=True)[:5])
            for candidate in ids:
                if free.filter(pk=candidate).update(taken_by=actor, taken_at=now):
                    return _with_context(CampaignTarget.objects.get(pk=candidate))
        # Nothing taken: none is due, or (PostgreSQL) every free one is locked by an agent taking it now.
        if not ids and not (skip_locked and free.exists()):
            return None
    return None


def _with_context(target: CampaignTarget) -> CampaignTarget:
    return CampaignTarget.objects.select_related("campaign", "campaign__product", "client", "client__agency").get(
        pk=target.pk
    )


def _aware_or_error(value: Any, field: str, errors: dict[str, str]) -> datetime | None:
    if not isinstance(value, datetime):
        errors[field] = _("Enter a date and time.")
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _callback_window(campaign: Campaign, after: Any, before: Any, now: datetime, errors: dict[str, str]):
    after = _aware_or_error(after, "callback_after", errors)
    before = _aware_or_error(before, "callback_before", errors) if before not in (None, "") else None
    if after is None:
        return None, None
    end = timezone.make_aware(datetime.combine(campaign.ends_on, time.max))
    if after <= now:
        errors["callback_after"] = _("A callback is set in the future.")
    elif after > min(end, now + timedelta(days=settings.CAMPAIGN_CALLBACK_MAX_DAYS)):
        errors["callback_after"] = _("A callback is within %(days)s days and before the campaign ends (%(end)s).") % {
            "days": settings.CAMPAIGN_CALLBACK_MAX_DAYS,
            "end": campaign.ends_on.isoformat(),
        }
    if before is not None and "callback_after" not in errors:
        if before <= after:
            errors["callback_before"] = _("The window ends after it starts.")
        elif before > end or before - after > timedelta(days=2):
            errors["callback_before"] = _("A callback window lasts two days at most, within the campaign.")
    return after, before


@transaction.atomic
def target_record_outcome(
    *, actor: User, target_id: int, outcome: str, notes: str = "", callback_after: Any = None,
    callback_before: Any = None, subject: str = "", description: str = "", product_id: Any = None,
    amount: Any = None, quantity: Any = 1,
) -> CampaignTarget:  # fmt: skip
    """Record how a call went. The target must be on the list (409 otherwise) and not held by another agent
    (409); only the campaign's team calls (403); bad values are 400 naming the field; nothing is written
    unless everything holds (a refused lead or sale leaves the target as it was).
    """
    target = target_get_for_user(user=actor, target_id=target_id, lock=True)
    campaign = target.campaign
    if not works_campaign(user=actor, campaign=campaign):
        raise PermissionDenied(_("Only the team this campaign is given to calls its targets."))
    if not target.is_active or campaign.status != CampaignStatus.RUNNING:
        raise Conflict(_("This target is no longer on the call list."), status=target.status)
    now = timezone.now()
    if target.taken_by_id not in (None, actor.pk) and target.taken_at and target.taken_at >= _take_cutoff(now):
        raise Conflict(_("Another agent is calling this client."), status=target.status)
    if outcome not in TargetOutcome.values:
        raise InvalidInput({"outcome": _("Choose an outcome.")})
    errors: dict[str, str] = {}
    if len(notes or "") > NOTES_MAX:
        errors["notes"] = _("This text is too long.")
    after = before = None
    if outcome == TargetOutcome.CALLBACK:
        after, before = _callback_window(campaign, callback_after, callback_before, now, errors)
    if errors:
        raise InvalidInput(errors)
    label = str(TargetOutcome(outcome).label)
    interaction = interaction_log(actor=actor, client_id=target.client_id, channel=Channel.OUTBOUND_CALL,
                                  direction=Direction.OUTBOUND, subject=f"{campaign.name[:150]} — {label}",
                                  notes=notes or "", occurred_at=now)  # fmt: skip
    lead = sale = None
    if outcome == TargetOutcome.LEAD:
        lead = lead_create(sender=actor, client_id=target.client_id, subject=(subject or "").strip() or campaign.name,
                           description=description or notes or "", product_id=product_id or campaign.product_id,
                           origin_channel=Channel.OUTBOUND_CALL)  # fmt: skip
    elif outcome == TargetOutcome.SALE:
        sale = sale_record(actor=actor, client_id=target.client_id, product_id=product_id or campaign.product_id,
                           amount=amount, quantity=quantity, channel=Channel.OUTBOUND_CALL, campaign_target=target)  # fmt: skip
    first_reach = outcome != TargetOutcome.NOT_REACHABLE and target.reached_at is None
    attempts = target.attempts + (outcome == TargetOutcome.NOT_REACHABLE)
    done = outcome in FINAL or attempts >= campaign.max_attempts
    target.outcome, target.attempts, target.taken_by, target.taken_at = outcome, attempts, None, None
    target.lead = lead or target.lead
    if first_reach:
        target.reached_at = now
    if done:
        target.status, target.is_active, target.done_at, target.done_by = TargetStatus.DONE, False, now, actor
        target.callback_before = None
    elif outcome == TargetOutcome.CALLBACK:
        target.status, target.next_call_at, target.callback_before = TargetStatus.CALLBACK, after, before
    else:  # not reachable: back on the list later
        target.status = TargetStatus.TO_CALL
        target.next_call_at = now + timedelta(hours=settings.CAMPAIGN_RETRY_HOURS)
    target.save()
    Campaign.objects.filter(pk=campaign.pk).update(
        reached=F("reached") + int(first_reach), targets_done=F("targets_done") + int(done),
        converted=F("converted") + int(outcome in CONVERTED),
    )  # fmt: skip
    trace_append(actor=actor, action=events.CAMPAIGN_CALLED, obj=target, client_id=target.client_id,
                 payload={"campaign": campaign.pk, "target": target.pk, "outcome": outcome, "attempts": attempts,
                          "status": target.status, "interaction": interaction.pk, "lead": lead.pk if lead else None,
                          "sale": sale.pk if sale else None,
                          "callback_after": after.isoformat() if after else None})  # fmt: skip
    target.sale_recorded = sale
    return target
