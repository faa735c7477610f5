"""Sales, their credits and the disputes about them (issue 9; DESIGN.md section 8; docs/attribution.md).

A sale is recorded once (`Sale`); who is credited for it is a versioned set of rows (`CreditSet` with
its `Credit` rows, shares summing to 100 %), written by the attribution rule when the sale is
recorded, rewritten as a new version when a manager decides a `Dispute`, and reversed by a second set
of opposite rows when the sale is cancelled. Earlier versions are kept (they no longer `count`), and
every version is in the trace with its rows.

Sales live in the workflow rather than in crm, where DESIGN.md section 3 first placed them: a sale
comes from a lead (and later a campaign target or a portfolio potential), all workflow items, and
recording one writes its credits in the same transaction; crm cannot look up at either. These
models are loaded by `workflow.models` (its last line) and name the other workflow models by string,
so that the two modules do not import each other.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Channel, Client, Product


class Sale(models.Model):
    """A product sold to a client: how many, for how much, closed by whom, on which channel, on which day.

    `account_owner` and `owner_share` are what they were when the sale was recorded: a later change of
    owner or of the catalogue does not move credits already given.

    Where it came from: `lead` today. Extension point for the campaigns and portfolio potentials of
    issue 9: add `campaign_target` and `potential` here as nullable foreign keys of the same kind
    (`on_delete=PROTECT`, `related_name="sale"`), pass them to `workflow.services.sales.sale_record`,
    and put their ids in the `workflow.sale.recorded` payload next to `lead`. Attribution reads the
    origin from that payload, never from these columns.
    """

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    closer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    sold_on = models.DateField(_("sold on"))
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account owner"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    owner_share = models.DecimalField(
        _("account owner's commission share"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    lead = models.OneToOneField(
        "workflow.Lead", verbose_name=_("from lead"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="sale",
    )  # fmt: skip
    campaign_target = models.OneToOneField(
        "workflow.CampaignTarget", verbose_name=_("from campaign target"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sale",
    )  # fmt: skip
    potential = models.OneToOneField(
        "workflow.Potential", verbose_name=_("from portfolio potential"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="sale",
    )  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=500, blank=True)

    class Meta:
        ordering = ["-sold_on", "-pk"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        indexes = [
            models.Index(fields=["client", "-sold_on", "-id"], name="sale_client_idx"),
            models.Index(fields=["closer", "-sold_on", "-id"], name="sale_closer_idx"),
            models.Index(fields=["-sold_on", "-id"], name="sale_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="sale_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sale_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.product_id}"

    @property
    def reference(self) -> str:
        return f"S-{self.pk}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class CreditSetKind(models.TextChoices):
    RULE = "rule", _("Attribution rule")
    DISPUTE = "dispute", _("Dispute decision")
    REVERSAL = "reversal", _("Sale cancelled")


class CreditSet(models.Model):
    """One version of who is credited for a sale; its rows' shares sum to 100 % (−100 % for a reversal).

    The sets that `count` are what statements add up: the current version, plus its reversal once the
    sale is cancelled (they cancel out). A dispute's decision writes a new version and the earlier ones
    stop counting; they stay, and so do their trace events.
    """

    sale = models.ForeignKey(Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="credit_sets")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("made by"), max_length=10, choices=CreditSetKind.choices)
    counts = models.BooleanField(_("counts"), default=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    # The trace event that recorded this set with its rows (credits assigned, reversed, or the decision).
    trace_event_id = models.BigIntegerField(_("trace event"), null=True, blank=True)

    class Meta:
        ordering = ["sale", "version"]
        verbose_name = _("credit set")
        verbose_name_plural = _("credit sets")
        constraints = [models.UniqueConstraint(fields=["sale", "version"], name="credit_set_sale_version_unique")]

    def __str__(self) -> str:
        return f"S-{self.sale_id} v{self.version}"


class CreditRole(models.TextChoices):
    INITIATOR = "initiator", _("Initiator")
    CLOSER = "closer", _("Closer")
    ACCOUNT_OWNER = "account_owner", _("Account owner")


class CreditRule(models.TextChoices):
    """Why a row says what it says: the part of the rule (or the decision) that gave it."""

    EARLIEST_LEAD = "earliest_lead", _("Earliest lead")
    EARLIEST_PROPOSAL = "earliest_proposal", _("Earliest proposal")
    NO_INITIATOR = "no_initiator", _("No lead or proposal: the closer initiated")
    CLOSER = "closer", _("Closed the sale")
    OWNER_SHARE = "owner_share", _("Account owner's share")
    DISPUTE = "dispute", _("Dispute decision")
    REVERSAL = "reversal", _("Sale cancelled")


class Credit(models.Model):
    """One person's share of one sale in one version: the role, the share, the amount, and why.

    `events` are the trace events (ids) that decided the row; `period` is the sale's month (a credit
    belongs to the month of its sale, whatever version it is); `counts` follows its set.
    """

    credit_set = models.ForeignKey(CreditSet, on_delete=models.PROTECT, related_name="credits")
    sale = models.ForeignKey(Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="credits")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=CreditRole.choices)
    share = models.DecimalField(_("share (%)"), max_digits=6, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    rule = models.CharField(_("rule"), max_length=20, choices=CreditRule.choices)
    events = models.JSONField(_("trace events"), default=list)
    period = models.DateField(_("month"))
    counts = models.BooleanField(_("counts"), default=True)

    class Meta:
        ordering = ["credit_set", "pk"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        indexes = [
            # "My credits" and the monthly statement: one person's rows of a month, newest sale first.
            models.Index(fields=["person", "period", "counts", "-sale"], name="credit_person_period_idx"),
            # A manager's scope for a month.
            models.Index(fields=["period", "counts", "-sale"], name="credit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"S-{self.sale_id} {self.role} {self.share}%"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld: credits rewritten")
    REJECTED = "rejected", _("Rejected: credits kept")
    CLOSED = "closed", _("Closed: sale cancelled")


class Dispute(models.Model):
    """Someone (credited or not) contests who is credited for a sale; a manager of the unit decides.

    The reasons are free text and stay here; the trace holds the dispute and the decision by ids and
    shares.
    """

    sale = models.ForeignKey(Sale, verbose_name=_("sale"), on_delete=models.PROTECT, related_name="disputes")
    contested_set = models.ForeignKey(
        CreditSet, verbose_name=_("credits contested"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True)
    resulting_set = models.ForeignKey(
        CreditSet, verbose_name=_("credits written"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [
            # The managers' queue: open ones, oldest first; and each person's own.
            models.Index(fields=["status", "opened_at", "id"], name="dispute_queue_idx"),
            models.Index(fields=["opened_by", "status", "opened_at"], name="dispute_opener_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["sale", "opened_by"], condition=Q(status="open"), name="dispute_one_open_per_person_and_sale"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"D-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN
