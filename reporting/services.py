"""Reporting's writes: objectives and their split, alert rules, acknowledging alerts, jobs.

Every function checks its actor (who may see a unit: `scopes.may_see`, else 404; who may manage it:
`scopes.may_manage`, else 403) and traces what it changed on the unit's organisation chain.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from common.outbox.services import enqueue
from reporting import events
from reporting.indicators import BY_CODE
from reporting.models import (
    Alert,
    AlertRule,
    AlertStatus,
    Comparison,
    Job,
    JobStatus,
    Objective,
)
from reporting.periods import parse_period
from reporting.scopes import LEVELS, Unit, children, load_unit, may_manage, may_see, parse_scope, unit_for_user
from trace.services import org_chain, trace_append

CENT = Decimal("0.01")


def _trace(*, actor: Any, action, unit: Unit, obj, payload: dict) -> None:
    trace_append(actor=actor, action=action, obj=obj, chain=org_chain(unit.code), payload=payload)


def _decimal(value: Any, field: str, *, positive: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field: _("Give a number.")}) from None
    if not number.is_finite() or number < 0 or (positive and number == 0):
        raise InvalidInput({field: _("Give a positive number.") if positive else _("Give a number of zero or more.")})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _managed_unit(*, actor: User, scope: str | None, field: str = "scope") -> Unit:
    unit = unit_for_user(user=actor, scope=scope, field=field)
    if not may_manage(actor, unit):
        raise PermissionDenied(_("Only the managers of this unit can do this."))
    return unit


def _indicator(code: str | None, *, field: str = "metric", additive: bool = False):
    found = BY_CODE.get(code or "")
    if found is None or not found.has_source:
        raise InvalidInput({field: _("Choose an indicator that has figures.")})
    if additive and not found.additive:
        raise InvalidInput({field: _("This indicator does not add up across units: its objective cannot be split.")})
    return found


# --- Objectives ----------------------------------------------------------------------------------------


@transaction.atomic
def objective_set(*, actor: User, metric: str, period: str, scope: str, value: Any) -> Objective:
    """Set (or change) the objective of a unit for a metric and period."""
    indicator = _indicator(metric)
    period_code = parse_period(period).code
    amount = _decimal(value, "value")
    unit = _managed_unit(actor=actor, scope=scope)
    objective, created = Objective.objects.update_or_create(
        metric=indicator.code, period=period_code, scope_kind=unit.kind, scope_id=unit.id,
        defaults={"value": amount, "created_by": actor if isinstance(actor, User) else None},
    )  # fmt: skip
    _trace(actor=actor, action=events.OBJECTIVE_SET, unit=unit, obj=objective,
           payload={"metric": indicator.code, "period": period_code, "value": str(amount), "created": created})  # fmt: skip
    return objective


def objective_get_for_user(*, user: User, objective_id: int | str) -> Objective:
    objective = Objective.objects.filter(pk=objective_id).first() if str(objective_id).isdigit() else None
    if objective is None or not may_see(user, load_unit(objective.scope_kind, objective.scope_id)):
        raise NotFound()
    return objective


def _split_values(total: Decimal, parts: list[dict], field: str) -> list[tuple[Decimal, Decimal | None]]:
    """(value, weight) per part: explicit values that add up to `total`, or weights shared out."""
    has_value = ["value" in part and part["value"] not in (None, "") for part in parts]
    has_weight = ["weight" in part and part["weight"] not in (None, "") for part in parts]
    if all(has_value) and not any(has_weight):
        values = [_decimal(part["value"], f"{field}[{index}].value") for index, part in enumerate(parts)]
        found = sum(values, Decimal(0))
        if found != total:
            raise InvalidInput({field: _("The parts add up to %(found)s, not to the objective's %(total)s.")
                                % {"found": found, "total": total}})  # fmt: skip
        return [(value, None) for value in values]
    if all(has_weight) and not any(has_value):
        weights = [_decimal(part["weight"], f"{field}[{index}].weight", positive=True)
                   for index, part in enumerate(parts)]  # fmt: skip
        whole = sum(weights, Decimal(0))
        values = [(total * weight / whole).quantize(CENT, rounding=ROUND_HALF_UP) for weight in weights]
        values[-1] = total - sum(values[:-1], Decimal(0))  # the rounding's cents go to the last part
        if values[-1] < 0:
            raise InvalidInput({field: _("These weights cannot share out the objective.")})
        return list(zip(values, weights, strict=True))
    raise InvalidInput({field: _("Give every part either a value or a weight, the same for all parts.")})


@transaction.atomic
def objective_split(*, actor: User, objective_id: int | str, parts: Any) -> list[Objective]:
    """Split an objective among units below its own; refused (400) unless the parts account for the whole.

    Each part is {"scope": "agency:3", "value": 120} or {"scope": ..., "weight": 2}. The split replaces
    any earlier one of that objective.
    """
    objective = objective_get_for_user(user=actor, objective_id=objective_id)
    Objective.objects.select_for_update().filter(pk=objective.pk).first()
    parent = load_unit(objective.scope_kind, objective.scope_id)
    if not may_manage(actor, parent):
        raise PermissionDenied(_("Only the managers of this unit can split its objectives."))
    _indicator(objective.metric, additive=True)
    if not isinstance(parts, list) or not parts or not all(isinstance(part, dict) for part in parts):
        raise InvalidInput({"parts": _("Give the units below and their share.")})
    units: list[Unit] = []
    for index, part in enumerate(parts):
        kind, unit_id = parse_scope(part.get("scope"), field=f"parts[{index}].scope")
        if LEVELS.index(kind) <= LEVELS.index(parent.kind):
            raise InvalidInput({f"parts[{index}].scope": _("A part must be a unit below the objective's.")})
        below = {unit.id: unit for unit in children(parent, kind=kind)}
        if unit_id not in below:
            raise InvalidInput(
                {f"parts[{index}].scope": _("This unit is not part of %(unit)s.") % {"unit": parent.name}}
            )
        if any(u.kind == kind and u.id == unit_id for u in units):
            raise InvalidInput({f"parts[{index}].scope": _("This unit is named twice.")})
        units.append(below[unit_id])
    values = _split_values(objective.value, parts, "parts")
    objective.children.all().delete()
    written = []
    for unit, (value, weight) in zip(units, values, strict=True):
        child, _created = Objective.objects.update_or_create(
            metric=objective.metric, period=objective.period, scope_kind=unit.kind, scope_id=unit.id,
            defaults={"value": value, "weight": weight, "parent": objective,
                      "created_by": actor if isinstance(actor, User) else None},
        )  # fmt: skip
        written.append(child)
    _trace(actor=actor, action=events.OBJECTIVE_SPLIT, unit=parent, obj=objective,
           payload={"parts": [{"scope": u.code, "value": str(v)} for u, (v, _w) in zip(units, values, strict=True)]})  # fmt: skip
    return written


# --- Alert rules and alerts ----------------------------------------------------------------------------------


@transaction.atomic
def alert_rule_create(*, actor: User, name: str, metric: str, scope: str, comparison: str, threshold: Any,
                      window_days: Any = 30, each: str = "") -> AlertRule:  # fmt: skip
    """A rule watching a unit (or each unit of a level under it, `each`)."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": _("This field is required.")})
    indicator = _indicator(metric)
    if comparison not in Comparison.values:
        raise InvalidInput({"comparison": _("Choose below (lt) or above (gt).")})
    limit = _decimal(threshold, "threshold")
    try:
        window = int(window_days)
    except (TypeError, ValueError):
        window = 0
    if not 1 <= window <= 366:
        raise InvalidInput({"window_days": _("A window is 1 to 366 days.")})
    unit = _managed_unit(actor=actor, scope=scope)
    each = each or ""
    if each and (each not in LEVELS or LEVELS.index(each) < LEVELS.index(unit.kind)):
        raise InvalidInput({"each": _("Choose a level at or below the rule's unit.")})
    if each == unit.kind:
        each = ""
    rule = AlertRule.objects.create(
        name=name, metric=indicator.code, scope_kind=unit.kind, scope_id=unit.id, each=each,
        comparison=comparison, threshold=limit, window_days=window,
        created_by=actor if isinstance(actor, User) else None,
    )  # fmt: skip
    _trace(actor=actor, action=events.ALERT_RULE_CREATED, unit=unit, obj=rule,
           payload={"metric": rule.metric, "comparison": comparison, "threshold": str(limit),
                    "window_days": window, "each": each})  # fmt: skip
    return rule


@transaction.atomic
def alert_rule_set_active(*, actor: User, rule_id: int, is_active: bool) -> AlertRule:
    rule = AlertRule.objects.filter(pk=rule_id).first()
    unit = load_unit(rule.scope_kind, rule.scope_id) if rule else None
    if rule is None or not may_see(actor, unit):
        raise NotFound()
    if not may_manage(actor, unit):
        raise PermissionDenied(_("Only the managers of this unit can do this."))
    rule.is_active = bool(is_active)
    rule.save(update_fields=["is_active"])
    _trace(actor=actor, action=events.ALERT_RULE_UPDATED, unit=unit, obj=rule, payload={"is_active": rule.is_active})
    return rule


def alert_get_for_user(*, user: User, alert_id: int | str) -> Alert:
    from reporting.alerts import visible_alerts

    alert = visible_alerts(user).filter(pk=alert_id).first() if str(alert_id).isdigit() else None
    if alert is None:
        raise NotFound()
    return alert


@transaction.atomic
def alert_acknowledge(*, actor: User, alert_id: int | str) -> Alert:
    """A manager of the unit says they are on it: open → acknowledged (409 from any other status)."""
    alert = alert_get_for_user(user=actor, alert_id=alert_id)
    unit = load_unit(alert.unit_kind, alert.unit_id)
    if not (may_manage(actor, unit) or alert.notices.filter(recipient=actor).exists()):
        raise PermissionDenied(_("Only the managers of this unit can acknowledge its alerts."))
    now = timezone.now()
    moved = Alert.objects.filter(pk=alert.pk, status=AlertStatus.OPEN).update(
        status=AlertStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor
    )
    alert.refresh_from_db()
    if not moved:
        raise Conflict(_("This alert is %(status)s already.") % {"status": alert.get_status_display()},
                       status=alert.status)  # fmt: skip
    alert.notices.filter(recipient=actor, read_at__isnull=True).update(read_at=now)
    _trace(actor=actor, action=events.ALERT_ACKNOWLEDGED, unit=unit, obj=alert, payload={"rule": alert.rule_id})
    return alert


# --- Jobs ------------------------------------------------------------------------------------------------


FULL_REFRESH, EXPORT = "full_refresh", "export"


@transaction.atomic
def job_full_refresh_start(*, actor: User) -> Job:
    """Queue a full rebuild of the facts (admins and managers); 409 while one is queued or running."""
    if not (rights.is_org_admin(actor) or rights.has_any(actor, rights.MANAGE_UNIT)):
        raise PermissionDenied(_("Only managers and administrators can rebuild the indicators."))
    running = Job.objects.select_for_update().filter(
        kind=FULL_REFRESH, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if running.exists():
        raise Conflict(_("A full refresh is already under way."), job=running.first().pk)
    job = Job.objects.create(kind=FULL_REFRESH, created_by=actor)
    enqueue("reporting.tasks.run_job", job.pk, key=f"job:{job.pk}")
    return job


@transaction.atomic
def job_export_start(*, actor: User, table: str, scope: str | None = None, period: str | None = None) -> Job:
    """Queue a CSV export of a dashboard table (for large scopes); read with `jobs/{id}/`."""
    from reporting.exports import TABLES

    if table not in TABLES:
        raise InvalidInput({"table": _("Unknown table.")})
    unit = unit_for_user(user=actor, scope=scope)
    period_code = parse_period(period).code
    job = Job.objects.create(kind=EXPORT, created_by=actor,
                             params={"table": table, "scope": unit.code, "period": period_code})  # fmt: skip
    enqueue("reporting.tasks.run_job", job.pk, key=f"job:{job.pk}")
    return job


def job_get_for_user(*, user: User, job_id: int | str) -> Job:
    job = Job.objects.filter(pk=job_id).first() if str(job_id).isdigit() else None
    if job is None or not (job.created_by_id == user.pk or rights.is_org_admin(user)):
        raise NotFound()
    return job


def job_run(*, job_id: int) -> None:
    """Run a queued job (the task's body); safe to run twice: a job done or running is left alone."""
    from reporting.build import rebuild_all
    from reporting.exports import export_csv

    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        if job.kind == FULL_REFRESH:
            rebuild_all(progress=progress)
            trace_append(actor=job.created_by_id, action=events.FACTS_REBUILT, obj=job, chain=org_chain("national"),
                         payload={"job": job.pk})  # fmt: skip
            result = ""
        else:
            owner = User.objects.get(pk=job.created_by_id)
            # In the words of whoever asked (their language, else the site's), not the worker's.
            with translation.override(owner.language or settings.LANGUAGE_CODE):
                result = export_csv(user=owner, progress=progress, **job.params)
        Job.objects.filter(pk=job_id).update(status=JobStatus.DONE, result=result, finished_at=timezone.now())
    except Exception as failure:
        Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=str(failure)[:500],
                                             finished_at=timezone.now())  # fmt: skip
        raise
