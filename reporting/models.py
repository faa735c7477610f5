"""Reporting's tables: daily facts, the refresh watermark, objectives, alert rules and alerts, jobs.

Dashboards and the indicators API read `DailyFact` only, never the workflow's tables: one row is one
measure (metric) of one day for one (person, team, agency) cell, with the region copied from the
agency so that a region's figures are one indexed range. Facts are derived data: any day can be
deleted and built again from the trace and the sales (`reporting.build`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Region, Team


def _cell_constraints() -> list[models.UniqueConstraint]:
    # A UNIQUE over nullable columns lets NULLs repeat on both databases, so "one row per (day,
    # metric, person, team, agency)" is written as one partial constraint per shape of the cell.
    constraints = []
    for person in (True, False):
        for team in (True, False):
            fields = ["day", "metric", "agency"] + (["person"] if person else []) + (["team"] if team else [])
            constraints.append(
                models.UniqueConstraint(
                    fields=fields,
                    condition=Q(person__isnull=not person, team__isnull=not team),
                    name=f"fact_cell_{'p' if person else 'x'}{'t' if team else 'x'}",
                )
            )
    return constraints


class DailyFact(models.Model):
    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=40)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("daily fact")
        verbose_name_plural = _("daily facts")
        constraints = _cell_constraints()
        indexes = [
            # Reading one scope's metrics over a range of days, per level.
            models.Index(fields=["metric", "day"], name="fact_national_idx"),
            models.Index(fields=["region", "metric", "day"], name="fact_region_idx"),
            models.Index(fields=["agency", "metric", "day"], name="fact_agency_idx"),
            models.Index(fields=["team", "metric", "day"], name="fact_team_idx"),
            models.Index(fields=["person", "metric", "day"], name="fact_person_idx"),
            # Rebuilding one day deletes it first.
            models.Index(fields=["day"], name="fact_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} p{self.person_id} t{self.team_id} a{self.agency_id}: {self.value}"


class RefreshState(models.Model):
    """The incremental refresh's watermark: everything traced or recorded before `watermark` is in the facts."""

    name = models.CharField(max_length=40, unique=True)
    watermark = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.watermark}"


class PeriodKind(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class ScopeKind(models.TextChoices):
    NATIONAL = "national", _("National")
    REGION = "region", _("Region")
    AGENCY = "agency", _("Agency")
    TEAM = "team", _("Team")
    USER = "user", _("Person")


class Objective(models.Model):
    """A value to reach for one metric over one period in one unit; children split it (`parent`)."""

    metric = models.CharField(_("indicator"), max_length=40)
    period = models.CharField(_("period"), max_length=10)  # e.g. 2026-Q4, 2026-11, 2026-W48
    scope_kind = models.CharField(_("unit level"), max_length=10, choices=ScopeKind.choices)
    scope_id = models.BigIntegerField(_("unit"), default=0)  # 0 for national
    value = models.DecimalField(_("objective"), max_digits=16, decimal_places=2)
    weight = models.DecimalField(_("weight"), max_digits=10, decimal_places=4, null=True, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("split from"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["period", "metric", "scope_kind", "scope_id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "period", "scope_kind", "scope_id"], name="objective_once_per_unit"
            )
        ]
        indexes = [models.Index(fields=["period", "scope_kind", "scope_id"], name="objective_unit_idx")]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.scope_kind}:{self.scope_id} = {self.value}"

    @property
    def scope(self) -> str:
        return "national" if self.scope_kind == ScopeKind.NATIONAL else f"{self.scope_kind}:{self.scope_id}"


class Comparison(models.TextChoices):
    BELOW = "lt", _("below")
    ABOVE = "gt", _("above")


class AlertRule(models.Model):
    """Raise an alert when an indicator, over the last `window_days`, is below or above a threshold.

    `each` says which units are watched: the scope itself, or each unit of a level under it ("any
    agency of region X").
    """

    name = models.CharField(_("name"), max_length=120)
    metric = models.CharField(_("indicator"), max_length=40)
    scope_kind = models.CharField(_("unit level"), max_length=10, choices=ScopeKind.choices)
    scope_id = models.BigIntegerField(_("unit"), default=0)
    each = models.CharField(_("watch each"), max_length=10, choices=ScopeKind.choices, blank=True)
    comparison = models.CharField(_("comparison"), max_length=2, choices=Comparison.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=16, decimal_places=2)
    window_days = models.PositiveIntegerField(_("window (days)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name

    @property
    def scope(self) -> str:
        return "national" if self.scope_kind == ScopeKind.NATIONAL else f"{self.scope_kind}:{self.scope_id}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


ACTIVE_ALERT_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    """A rule's condition holding for one unit: raised once, until the condition clears (resolved)."""

    rule = models.ForeignKey(AlertRule, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="alerts")
    unit_kind = models.CharField(_("unit level"), max_length=10, choices=ScopeKind.choices)
    unit_id = models.BigIntegerField(_("unit"), default=0)
    # Agencies the unit spans, for scoping lists in one indexed query (an agency-level copy per alert).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2, null=True)
    raised_at = models.DateTimeField(_("raised at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # Raised once while the condition holds: at most one open or acknowledged alert per rule and unit.
            models.UniqueConstraint(
                fields=["rule", "unit_kind", "unit_id"],
                condition=Q(status__in=["open", "acknowledged"]),
                name="alert_once_while_it_holds",
            )
        ]
        indexes = [models.Index(fields=["status", "-raised_at"], name="alert_status_idx")]

    def __str__(self) -> str:
        return f"A-{self.pk} {self.rule_id} {self.unit_kind}:{self.unit_id} {self.status}"

    @property
    def unit(self) -> str:
        return "national" if self.unit_kind == ScopeKind.NATIONAL else f"{self.unit_kind}:{self.unit_id}"


class AlertNotice(models.Model):
    """An alert told to one manager: the in-app list (unread until opened) and the e-mail sent once."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["alert", "recipient"], name="alert_notice_once")]
        indexes = [models.Index(fields=["recipient", "-created_at"], name="alert_notice_list_idx")]

    def __str__(self) -> str:
        return f"{self.alert_id} -> {self.recipient_id}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A long piece of work (full refresh, large export) run by Celery, with its progress."""

    kind = models.CharField(_("kind"), max_length=20)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.TextField(blank=True)  # an export's CSV
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"J-{self.pk} {self.kind} {self.status}"

    @property
    def progress(self) -> int:
        """Percent done."""
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
