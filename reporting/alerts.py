"""Evaluating alert rules after each refresh, and telling the managers of the unit concerned.

A rule's condition is read on the facts over its window (the last `window_days` days up to today).
While it holds for a unit, that unit has one active alert (open, then acknowledged); when it no longer
holds, the alert is resolved; when it holds again, a new alert is raised. A database constraint keeps
the "one active alert per rule and unit" even if two evaluations run at once.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import rights
from accounts.models import Agency, User
from common.errors import NotFound
from common.outbox.services import enqueue
from reporting import events
from reporting.indicators import BY_CODE
from reporting.models import ACTIVE_ALERT_STATUSES, Alert, AlertNotice, AlertRule, AlertStatus, Comparison, ScopeKind
from reporting.periods import Period
from reporting.scopes import Unit, children, load_unit
from reporting.selectors import figures, figures_by_unit
from trace.services import org_chain, trace_append


def holds(rule: AlertRule, value: Decimal | None) -> bool:
    if value is None:
        return False
    return value < rule.threshold if rule.comparison == Comparison.BELOW else value > rule.threshold


def managers_of(unit: Unit) -> list[User]:
    """Who manages the unit: the people holding `manage_unit` on every agency it spans (two queries)."""
    if not unit.agency_ids:
        return []
    by_agency = rights.people_holding_by_agency(perm=rights.MANAGE_UNIT, agency_ids=unit.agency_ids)
    common = None
    for people in by_agency.values():
        ids = {person.pk for person in people}
        common = ids if common is None else common & ids
    found = {person.pk: person for people in by_agency.values() for person in people if person.pk in (common or set())}
    return sorted(found.values(), key=lambda person: (person.last_name, person.first_name, person.username, person.pk))


def _placement(unit: Unit) -> tuple[int | None, int | None]:
    """The agency (when the unit is one agency's) and region (when within one region) of an alert."""
    regions = set(Agency.objects.filter(pk__in=unit.agency_ids).values_list("region_id", flat=True).distinct())
    agency = next(iter(unit.agency_ids)) if len(unit.agency_ids) == 1 else None
    region = next(iter(regions)) if len(regions) == 1 and unit.kind != ScopeKind.NATIONAL else None
    return agency, region


@transaction.atomic
def _raise(rule: AlertRule, unit: Unit, value: Decimal, now) -> Alert | None:
    agency, region = _placement(unit)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(rule=rule, unit_kind=unit.kind, unit_id=unit.id, agency_id=agency,
                                         region_id=region, value=value, raised_at=now)  # fmt: skip
    except IntegrityError:  # raised meanwhile by another evaluation
        return None
    for manager in managers_of(unit):
        notice = AlertNotice.objects.create(alert=alert, recipient=manager)
        if manager.email:
            enqueue("reporting.tasks.send_alert_email", notice.pk, key=f"alert-email:{notice.pk}")
    trace_append(actor=None, action=events.ALERT_RAISED, obj=alert, chain=org_chain(unit.code),
                 payload={"rule": rule.pk, "value": str(value)})  # fmt: skip
    return alert


@transaction.atomic
def _resolve(alert: Alert, now) -> None:
    moved = Alert.objects.filter(pk=alert.pk, status__in=ACTIVE_ALERT_STATUSES).update(
        status=AlertStatus.RESOLVED, resolved_at=now
    )
    if moved:
        trace_append(actor=None, action=events.ALERT_RESOLVED, obj=alert, chain=org_chain(alert.unit),
                     payload={"rule": alert.rule_id})  # fmt: skip


def evaluate_rules(*, now=None) -> dict[str, int]:
    """Evaluate every active rule once; returns how many alerts were raised and resolved."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"raised": 0, "resolved": 0}
    for rule in AlertRule.objects.filter(is_active=True):
        indicator = BY_CODE.get(rule.metric)
        if indicator is None or not indicator.has_source:
            continue
        try:
            top = load_unit(rule.scope_kind, rule.scope_id)
        except NotFound:  # the unit is gone: nothing to watch
            continue
        window = Period("window", today - timedelta(days=rule.window_days - 1), today)
        units = children(top, kind=rule.each) if rule.each else [top]
        if top.kind == ScopeKind.NATIONAL and not rule.each:
            values = {0: figures(unit=top, period=window, indicators=[indicator])}
        else:
            values = figures_by_unit(units=units, period=window, indicators=[indicator])
        active = {(a.unit_kind, a.unit_id): a for a in rule.alerts.filter(status__in=ACTIVE_ALERT_STATUSES)}
        for unit in units:
            value = values.get(unit.id, {}).get(indicator.code)
            current = active.get((unit.kind, unit.id))
            if holds(rule, value) and current is None:
                if _raise(rule, unit, value, now):
                    counts["raised"] += 1
            elif not holds(rule, value) and current is not None:
                _resolve(current, now)
                counts["resolved"] += 1
    return counts


def visible_alerts(user: User) -> QuerySet[Alert]:
    """The alerts a person may see: those sent to them, and those of the units they may see."""
    alerts = Alert.objects.select_related("rule")
    if rights.is_org_admin(user):
        return alerts
    seen = rights.agencies_where(user, rights.VIEW_DASHBOARDS)
    region_of = dict(Agency.objects.values_list("pk", "region_id")) if seen else {}
    regions = {r for r in set(region_of.values()) if {a for a, reg in region_of.items() if reg == r} <= seen}
    condition = Q(notices__recipient=user) | Q(agency_id__in=seen) | Q(agency__isnull=True, region_id__in=regions)
    if seen and seen >= set(region_of):
        condition |= Q(unit_kind=ScopeKind.NATIONAL)
    return alerts.filter(condition).distinct()


def alert_email_send(*, notice_id: int) -> bool:
    """Send one alert notice's e-mail, once (the outbox may deliver its task twice)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext as _

    notice = AlertNotice.objects.select_related("alert__rule", "recipient").filter(pk=notice_id).first()
    if notice is None or notice.emailed_at is not None or not notice.recipient.email:
        return False
    alert, rule, person = notice.alert, notice.alert.rule, notice.recipient
    unit = load_unit(alert.unit_kind, alert.unit_id)
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = _("Alert: %(rule)s (%(unit)s)") % {"rule": rule.name, "unit": unit.name}
        body = _("%(indicator)s is %(value)s for %(unit)s (threshold %(comparison)s %(threshold)s over %(days)s days).") % {
            "indicator": BY_CODE[rule.metric].label, "value": alert.value, "unit": unit.name,
            "comparison": rule.get_comparison_display(), "threshold": rule.threshold, "days": rule.window_days,
        }  # fmt: skip
        body += "\n\n" + settings.SITE_URL + "/reporting/alerts/"
    claimed = AlertNotice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[person.email])
    return True
