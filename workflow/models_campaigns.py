"""Campaign call lists for telemarketing and telesales, and portfolio potentials for salespeople (issue 9).

Marketing defines a `Campaign` (criteria on the shared client record) and gives it to a telemarketing
or telesales team; launching it writes one `CampaignTarget` per client, which agents of that team call
one at a time. A client is on at most one active call list: `CampaignTarget.is_active` with a partial
unique index on the client.

Marketing also hands each account's salesperson a `Potential` to explore before a deadline, entered one
by one or imported from CSV (`PotentialImport`, the progress record a page polls).

Loaded by `workflow.models` (its last lines), like the sales models; names other models by string.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Team
from crm.models import Client, Product


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


class Campaign(models.Model):
    """A call list defined by marketing: what to offer, to whom (criteria), when, and which team calls.

    `criteria` holds ids and codes: `segment`, `region`, `agency`, `holds_product`, `lacks_product`,
    `no_contact_days`. The counters are the progress the campaign's page shows, kept by the services
    with conditional UPDATEs so the page never counts its targets.
    """

    name = models.CharField(_("name"), max_length=120)
    product = models.ForeignKey(Product, verbose_name=_("product focus"), on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    criteria = models.JSONField(_("target criteria"), default=dict, blank=True)
    script = models.TextField(_("call script"), blank=True)
    team = models.ForeignKey(Team, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="+")
    # The marketing scope it belongs to: a region, or national (None).
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before giving up"), default=3)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    targets_total = models.PositiveIntegerField(_("targets"), default=0)
    targets_done = models.PositiveIntegerField(_("targets done"), default=0)
    reached = models.PositiveIntegerField(_("reached"), default=0)
    converted = models.PositiveIntegerField(_("converted"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [
            models.Index(fields=["team", "status", "-id"], name="campaign_team_idx"),
            models.Index(fields=["region", "-id"], name="campaign_region_idx"),
            models.Index(fields=["-id"], name="campaign_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period_ordered")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def progress_percent(self) -> int:
        return round(100 * self.targets_done / self.targets_total) if self.targets_total else 0


class TargetStatus(models.TextChoices):
    TO_CALL = "to_call", _("To call")
    CALLBACK = "callback", _("Call back")
    DONE = "done", _("Done")


class TargetOutcome(models.TextChoices):
    NOT_REACHABLE = "not_reachable", _("Not reachable")
    NOT_INTERESTED = "not_interested", _("Not interested")
    CALLBACK = "callback", _("Call back")
    LEAD = "lead", _("Lead raised")
    SALE = "sale", _("Basic product sold")


class CampaignTarget(models.Model):
    """One client on a campaign's call list: when to call next, who holds the call, and how it went.

    `is_active` is true while the client is on a running list and not done: the partial unique index
    keeps a client on one active list at a time. An agent takes a target (`taken_by`, `taken_at`) for
    `CAMPAIGN_TAKE_MINUTES`; nobody else gets it meanwhile.
    """

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="targets")
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=TargetStatus.choices, default=TargetStatus.TO_CALL)
    outcome = models.CharField(_("last outcome"), max_length=20, choices=TargetOutcome.choices, blank=True)
    is_active = models.BooleanField(_("on an active list"), default=True)
    attempts = models.PositiveSmallIntegerField(_("unanswered calls"), default=0)
    next_call_at = models.DateTimeField(_("call from"))
    callback_before = models.DateTimeField(_("call back before"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    reached_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    lead = models.ForeignKey(
        "workflow.Lead", verbose_name=_("lead raised"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["next_call_at", "id"]
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        indexes = [
            # The call list and the next target: a campaign's active targets by when they may be called.
            models.Index(fields=["campaign", "is_active", "next_call_at", "id"], name="target_call_list_idx"),
            # What an agent holds now.
            models.Index(fields=["taken_by", "is_active"], name="target_taken_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(is_active=True), name="target_one_active_list_per_client"
            ),
            models.UniqueConstraint(fields=["campaign", "client"], name="target_once_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"T-{self.pk}"


# A notification's `item_kind` for a potential's reminder (workflow.notifications puts it into words).
POTENTIAL_KIND = "potential"


class PotentialOutcome(models.TextChoices):
    LEAD = "lead", _("Lead raised")
    SALE = "sale", _("Sale")
    NO_POTENTIAL = "no_potential", _("No potential")
    REFUSED = "refused", _("Client refused")


class Potential(models.Model):
    """A portfolio potential: marketing asks an account's salesperson to explore it before a deadline."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("estimated amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    source = models.ForeignKey(
        "workflow.PotentialImport", verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    explored_at = models.DateTimeField(_("explored at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=PotentialOutcome.choices, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("portfolio potential")
        verbose_name_plural = _("portfolio potentials")
        indexes = [
            # "My potentials", by deadline.
            models.Index(fields=["salesperson", "deadline", "id"], name="potential_mine_idx"),
            # The managers' list of an agency's potentials, by deadline.
            models.Index(fields=["deadline", "id"], name="potential_deadline_idx"),
            # The reminder scan reads only what is unexplored and not reminded.
            models.Index(
                fields=["deadline"], condition=Q(explored_at__isnull=True, reminded_at__isnull=True),
                name="potential_to_remind_idx",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"P-{self.pk}"

    @property
    def explored_in_time(self) -> bool | None:
        if self.explored_at is None:
            return None
        # The day it was explored in the organisation's time zone (the stored moment is UTC).
        return timezone.localtime(self.explored_at).date() <= self.deadline


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PotentialImport(models.Model):
    """A CSV of potentials being imported: its rows, its progress, and the bad rows with line and reason."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    content = models.TextField(editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("potentials created"), default=0)
    errors = models.JSONField(_("rows refused"), default=list)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("potentials import")
        verbose_name_plural = _("potentials imports")

    def __str__(self) -> str:
        return f"I-{self.pk}"

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
