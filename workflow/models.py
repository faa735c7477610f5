"""Work that crosses teams: service requests (to a team queue) and leads (to a salesperson).

The lifecycles are in `workflow.transitions`; every change goes through `workflow.services` and is
traced. Counters (transfers, reopenings, repeat contacts) are kept on the rows so that reporting can
read them without replaying the trace.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Team, TeamKind
from crm.models import Channel, Client, Product


class FieldType(models.TextChoices):
    """What a category's field holds; a request's value is checked against it."""

    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice from a list")


class Category(models.Model):
    """What a service request is about; says which fields it carries, its SLA targets and who handles it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    # The fields a request of this category carries, each with its words and type (checked by
    # `workflow.services.fields`): [{"code", "label_fr", "label_en", "type", "required", "options"}],
    # options being [{"value", "label_fr", "label_en"}] for a choice.
    field_definitions = models.JSONField(_("fields"), default=list, blank=True)
    # Counted in the business hours of the client's agency (`workflow.hours`).
    response_hours = models.PositiveIntegerField(_("response target (hours)"), default=8)
    resolution_hours = models.PositiveIntegerField(_("resolution target (hours)"), default=72)
    # The queue used when no routing rule matches: the team of this kind covering the client's agency.
    default_team_kind = models.CharField(
        _("default team kind"), max_length=20, choices=TeamKind.choices, default=TeamKind.AFTER_SALES
    )
    # The other kinds of team that also handle it: a request of this category may be transferred to a
    # team of its default kind or of one of these, covering the client's agency, and to no other.
    extra_team_kinds = models.JSONField(_("also handled by"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def handling_team_kinds(self) -> list[str]:
        """The kinds of team that handle this category: its default kind first, then the extra ones."""
        return [self.default_team_kind, *(k for k in self.extra_team_kinds if k != self.default_team_kind)]

    @property
    def required_fields(self) -> list[str]:
        """The codes of the fields a request of this category must carry."""
        return [spec["code"] for spec in self.field_definitions if spec.get("required", True)]

    @required_fields.setter
    def required_fields(self, codes: list[str]) -> None:
        """The shorthand of the first API: required text fields named by their codes (labels to be written)."""
        self.field_definitions = [text_field_definition(code) for code in codes]


def text_field_definition(code: str) -> dict:
    """A required text field whose labels are its code in words, until an administrator writes better."""
    words = code.replace("_", " ").strip().capitalize()
    return {"code": code, "label_fr": words, "label_en": words, "type": FieldType.TEXT, "required": True, "options": []}


class ItemKind(models.TextChoices):
    SERVICE_REQUEST = "service_request", _("Service request")
    LEAD = "lead", _("Lead")


class TargetType(models.TextChoices):
    ACCOUNT_OWNER = "account_owner", _("The client's account owner")
    TEAM = "team", _("A team queue")
    TEAM_OF_KIND = "team_of_kind", _("The team of a kind covering the client's agency")
    USER = "user", _("A person")


class Assignment(models.TextChoices):
    CLAIM = "claim", _("Claimed by a team member")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least loaded member")


class RoutingRule(models.Model):
    """An ordered rule: the first active rule whose `match` fits an item decides where it lands.

    `match` keys (all optional, each a value or a list of values): category, segment, agency (id),
    region (id), product_family, channel.
    """

    order = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    match = models.JSONField(_("match"), default=dict, blank=True)
    target_type = models.CharField(_("target"), max_length=20, choices=TargetType.choices)
    target_team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_team_kind = models.CharField(_("team kind"), max_length=20, choices=TeamKind.choices, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    assignment = models.CharField(_("assignment"), max_length=20, choices=Assignment.choices, default=Assignment.CLAIM)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class QueueCursor(models.Model):
    """Round-robin memory of a team: who got the last item."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="queue_cursor")
    last_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.team_id} -> {self.last_user_id}"


class RoutedItem(models.Model):
    """What service requests and leads share: client, sender, routing, callback window, SLA."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sender"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    origin_channel = models.CharField(
        _("origin channel"), max_length=20, choices=Channel.choices, default=Channel.INBOUND_CALL
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    routing_rule = models.ForeignKey(
        RoutingRule, verbose_name=_("routing rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it landed where it is, as a code and its parameters, put into words in the reader's
    # language by `workflow.routing.describe_routing`.
    routing_reason = models.JSONField(_("why it landed here"), default=dict, blank=True)
    callback_after = models.DateTimeField(_("call back from"), null=True, blank=True)
    callback_before = models.DateTimeField(_("call back until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    status_changed_at = models.DateTimeField(_("status since"), auto_now_add=True)
    # Why it was cancelled, lost or requalified (required for those transitions).
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # 0: on time, 1: assignee reminded, 2: escalated to managers. Moved forward with a conditional
    # UPDATE so that a scan running twice never sends twice.
    sla_level = models.PositiveSmallIntegerField(_("SLA level"), default=0)
    callback_reminded = models.BooleanField(default=False)

    class Meta:
        abstract = True


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CLIENT = "waiting_client", _("Waiting for the client")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")
    REQUALIFIED = "requalified", _("Requalified as a lead")


class ServiceRequest(RoutedItem):
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(_("category fields"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    transfer_count = models.PositiveIntegerField(_("transfers"), default=0)
    reopen_count = models.PositiveIntegerField(_("reopenings"), default=0)
    repeat_contacts = models.PositiveIntegerField(_("repeat contacts"), default=0)
    requalified_from = models.OneToOneField(
        "Lead", verbose_name=_("requalified from lead"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="requalified_to",
    )  # fmt: skip
    # Sent while another request of the same category was open for the client: which one, and why a
    # second matter was opened rather than the call added to the first (issue 8, one open matter).
    opened_despite = models.ForeignKey(
        "self", verbose_name=_("opened while this one was open"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    opened_despite_reason = models.CharField(_("why a second request"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(fields=["team", "status", "created_at"], name="request_queue_idx"),
            models.Index(fields=["assignee", "status"], name="request_assignee_idx"),
            models.Index(fields=["client", "status"], name="request_client_idx"),
            models.Index(fields=["status", "sla_level"], name="request_sla_idx"),
        ]

    def __str__(self) -> str:
        return f"SR-{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"SR-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


OPEN_REQUEST_STATUSES = (
    RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, RequestStatus.WAITING_CLIENT,
)  # fmt: skip


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    REQUALIFIED = "requalified", _("Requalified as a service request")


OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.ACCEPTED, LeadStatus.IN_PROGRESS)


class Lead(RoutedItem):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    potential_amount = models.DecimalField(
        _("potential amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    probability = models.PositiveSmallIntegerField(_("probability (%)"), null=True, blank=True)
    # True when the salesperson requalified it into a service request: it counts against the
    # sender's lead quality (DESIGN.md section 1).
    not_a_lead = models.BooleanField(_("not a lead"), default=False)
    reassign_count = models.PositiveIntegerField(_("reassignments"), default=0)
    requalified_from = models.OneToOneField(
        ServiceRequest, verbose_name=_("requalified from service request"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="requalified_to",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["assignee", "status", "created_at"], name="lead_inbox_idx"),
            models.Index(fields=["team", "status"], name="lead_team_idx"),
            models.Index(fields=["client", "status"], name="lead_client_idx"),
            models.Index(fields=["sender", "status"], name="lead_sender_idx"),
            models.Index(fields=["status", "sla_level"], name="lead_sla_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | Q(probability__lte=100), name="lead_probability_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"L-{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"L-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LEAD_STATUSES


class Comment(models.Model):
    """A written note on a request or a lead (exactly one of them)."""

    service_request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_request__isnull=False, lead__isnull=True)
                | Q(service_request__isnull=True, lead__isnull=False),
                name="comment_on_one_item",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:50]


class NotificationTopic(models.TextChoices):
    """What kind of news a notification is for its recipient: what each person chooses to get by e-mail.

    The same event can be two topics: a new request is "given to me" for the person it was routed to
    and "my team's queue" for each member of the team that must claim it.
    """

    GIVEN_TO_ME = "given_to_me", _("Work given to me")
    TEAM_QUEUE = "team_queue", _("New work in my team's queue")
    REMINDERS = "reminders", _("Reminders on my work")
    ESCALATIONS = "escalations", _("Overdue work escalated to me")
    ACTIVITY = "activity", _("Comments and cancellations on my work")
    OUTCOMES = "outcomes", _("What became of what I sent")


# Without a choice of their own, people get by e-mail what asks them to act; the rest stays on the bell.
EMAILED_BY_DEFAULT = frozenset(
    {NotificationTopic.GIVEN_TO_ME, NotificationTopic.REMINDERS, NotificationTopic.ESCALATIONS}
)


class Notification(models.Model):
    """One message to one person about one event; `key` makes creating it twice impossible.

    It stores ids, not words: who acted, which item, which trace event. Its text is written when it
    is read, in the reader's language, naming the client and the item's subject only if the reader
    may still see them (see workflow/notifications.py).

    It is also its e-mail's outbox: `email_wanted` says whether the recipient asked for this topic by
    e-mail when it was written, `emailed_at` is set once the e-mail went, and a worker sending it holds
    `email_lease_until` meanwhile (see workflow/services/notifications.py).
    """

    # No index of its own: the list's index below and the unique (recipient, key) both start with it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    key = models.CharField(max_length=120)
    verb = models.CharField(_("what happened"), max_length=60)
    item_kind = models.CharField(max_length=20, choices=ItemKind.choices)
    item_id = models.BigIntegerField()
    client_id = models.BigIntegerField(null=True)
    # Who did it (None: Relais itself, e.g. an SLA reminder or an item that came in by the web form).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who acted"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # The trace event it announces, when there is one (SLA steps are traced after their notifications).
    trace_event_id = models.BigIntegerField(null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=NotificationTopic.choices, blank=True)
    email_wanted = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [
            # The list, in its display order: one range of the index per page, however many there are.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            # The bell's count and the unread list read only the unread rows.
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),  # fmt: skip
            # What a queue was told of an item, settled once the item leaves the queue.
            models.Index(
                fields=["item_kind", "item_id"],
                condition=Q(read_at__isnull=True, topic=NotificationTopic.TEAM_QUEUE),
                name="notification_queue_news_idx",
            ),  # fmt: skip
            # The sweep of e-mails left unsent reads only these.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True, email_wanted=True),
                name="notification_unsent_idx",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.item_kind}:{self.item_id}"


class NotificationPreference(models.Model):
    """A person's choice to get one topic by e-mail, or not. Without a row, the topic's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=NotificationTopic.choices)
    email = models.BooleanField(_("also by e-mail"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic}: {'e-mail' if self.email else 'bell only'}"


class Weekday(models.TextChoices):
    """The days of a week of opening hours, Monday first (Python's `date.weekday()` order)."""

    MONDAY = "monday", _("Monday")
    TUESDAY = "tuesday", _("Tuesday")
    WEDNESDAY = "wednesday", _("Wednesday")
    THURSDAY = "thursday", _("Thursday")
    FRIDAY = "friday", _("Friday")
    SATURDAY = "saturday", _("Saturday")
    SUNDAY = "sunday", _("Sunday")


class AgencyCalendar(models.Model):
    """When an agency is open: the business hours its requests' and leads' targets count (`workflow.hours`).

    An agency without a row keeps the defaults of `workflow.hours` (Monday to Friday, 09:00-12:30 and
    13:30-18:00, Europe/Paris, French public holidays). It lives in the workflow, keyed by the agency,
    because only the workflow's clocks read it.
    """

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="business_calendar"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    # {"monday": [["09:00", "12:30"], ["13:30", "18:00"]], ..., "sunday": []}: local wall-clock times.
    opening_hours = models.JSONField(_("opening hours"), default=dict)
    # French public holidays (the maintained `holidays` package), with a subdivision's own where it has
    # some (Alsace-Moselle, overseas departments); an agency open on public holidays says so.
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    holiday_subdivision = models.CharField(_("holiday calendar of"), max_length=8, blank=True)
    # The agency's own closed days: [{"date": "2026-08-14", "label": "Pont de l'Assomption"}].
    closed_days = models.JSONField(_("closed days"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["agency__name"]
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")

    def __str__(self) -> str:
        return str(self.agency_id)


# Sales, credits and disputes, and campaign call lists and portfolio potentials, live in their own
# modules (issue 9); importing them here is how Django finds them. Those modules name these models by
# string, so the modules never import each other.
from workflow.models_campaigns import (  # noqa: E402, F401
    Campaign,
    CampaignStatus,
    CampaignTarget,
    ImportStatus,
    Potential,
    PotentialImport,
    PotentialOutcome,
    TargetOutcome,
    TargetStatus,
)

# Public messages waiting for an agent (issue 7, finding 5).
from workflow.models_intake import Intake, IntakeStatus  # noqa: E402, F401
from workflow.models_sales import (  # noqa: E402, F401
    Credit,
    CreditRole,
    CreditRule,
    CreditSet,
    CreditSetKind,
    Dispute,
    DisputeStatus,
    Sale,
)
