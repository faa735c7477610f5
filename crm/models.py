"""The shared client record: clients, their contacts, the timeline of interactions, products."""

from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Agency, Team


class Segment(models.TextChoices):
    MASS = "mass", _("Mass market")
    INTERMEDIATE = "intermediate", _("Intermediate")
    KEY_ACCOUNT = "key_account", _("Key account")


class ClientStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    FORMER = "former", _("Former client")


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200)
    legal_id = models.CharField(_("company legal id"), max_length=20, blank=True, help_text=_("SIREN or SIRET."))
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, default=Segment.MASS)
    status = models.CharField(_("status"), max_length=20, choices=ClientStatus.choices, default=ClientStatus.ACTIVE)
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="clients")
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_clients",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Bumped by every change: an edit made from an older version is refused (409), not silently lost.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Search columns over the client and its contacts, kept by `crm.services` (see crm.search):
    # names lowercased without accents, phones as national digits, e-mails lowercased.
    search_names = models.TextField(editable=False, default="")
    search_phones = models.TextField(editable=False, default="")
    search_emails = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(fields=["agency", "name"], name="client_agency_name_idx"),
            models.Index(fields=["legal_id"], name="client_legal_id_idx"),
            models.Index(fields=["email"], name="client_email_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-is_primary", "last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Channel(models.TextChoices):
    INBOUND_CALL = "inbound_call", _("Inbound call")
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    CHAT = "chat", _("Chat")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


# No contact is logged before this instant (a sanity floor: the product's history starts well after it).
# Held by the service and by a database constraint, so that no door can store a date that the pages
# cannot show (year 1 once broke every read of a timeline).
EARLIEST_INTERACTION = datetime(2000, 1, 1, tzinfo=UTC)


class Interaction(models.Model):
    """One contact with the client, on any channel: the timeline of the client record."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["client", "-occurred_at"], name="interaction_client_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurred_at__gte=EARLIEST_INTERACTION), name="interaction_occurred_at_sane"
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Complexity(models.TextChoices):
    BASIC = "basic", _("Basic")
    COMPLEX = "complex", _("Complex")


class Product(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    family = models.CharField(_("family"), max_length=60)
    complexity = models.CharField(_("complexity"), max_length=10, choices=Complexity.choices)
    # Channels on which the product may be sold directly (values of Channel).
    direct_sale_channels = models.JSONField(_("direct-sale channels"), default=list, blank=True)
    owner_commission_share = models.DecimalField(
        _("account owner's commission share"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent of the credit given to the account owner when someone else closes the sale."),
    )
    is_active = models.BooleanField(_("on sale"), default=True)

    class Meta:
        ordering = ["family", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_commission_share__gte=0, owner_commission_share__lte=100),
                name="product_commission_share_percent",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClientUserObjectPermission(UserObjectPermissionBase):
    """Record-level exception: one person may see a client outside their agencies (e.g. a delegate)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    """Record-level exception: a client shared with another agency's team."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)


class Holding(models.Model):
    """A product the client has: shown on the client 360."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="holdings")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    since = models.DateField(_("since"))

    class Meta:
        ordering = ["-since"]
        verbose_name = _("product held")
        verbose_name_plural = _("products held")

    def __str__(self) -> str:
        return f"{self.client} – {self.product}"


class Proposal(models.Model):
    """A commercial proposal made to the client (a product family, on a date), by a salesperson or telesales.

    It is a contact with the client, so it has its line on the timeline (`interaction`); on its own it
    is what sales attribution looks for besides leads (docs/attribution.md): the trace event that
    records it (`crm.proposal.recorded`) carries its family, and the trace's order, not `proposed_on`,
    says when it was made.
    """

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="proposals")
    interaction = models.OneToOneField(
        Interaction, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="proposal"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    family = models.CharField(_("product family"), max_length=60)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField(_("proposed on"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["client", "family", "created_at"], name="proposal_client_family_idx")]

    def __str__(self) -> str:
        return f"{self.client} – {self.family}"
