"""The organisation: people, regions, agencies, teams and who belongs where, when.

Rights are not stored on people: each team has a group, the group holds guardian permissions on the
agencies of the team's scope (see `accounts.rights`), and a person holds a team's rights while a
membership of it is open. Moving someone is ending one membership and starting another.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class User(AbstractUser):
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the browser's language."),
    )
    # When the password last changed: API keys issued before it no longer open the API
    # (common.authentication), whatever door changed it (reset link, admin, command).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [("manage_organisation", _("Can manage the organisation"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    # A closed region takes no new agency or team; its history stays.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="agencies")
    # A closed agency takes no new team; its clients and their history stay where they are.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        # The rights a team kind may hold on the agencies of its scope (granted to the team's group).
        permissions = [
            ("view_clients", _("View the agency's clients")),
            ("edit_clients", _("Create and edit the agency's clients and contacts")),
            ("log_interactions", _("Log contacts with the agency's clients")),
            ("create_requests", _("Create service requests")),
            ("create_leads", _("Create leads")),
            ("view_lead_status", _("Follow the status of leads")),
            ("work_requests", _("Work service requests in a team queue")),
            ("work_leads", _("Work leads as a salesperson")),
            ("sell_basic", _("Sell basic products")),
            ("sell_complex", _("Sell complex products")),
            ("view_dashboards", _("View dashboards")),
            ("manage_unit", _("Manage the unit: reassign work, objectives, alerts")),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign-key guardian permissions: a delegate's rights on an agency."""

    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class AgencyGroupObjectPermission(GroupObjectPermissionBase):
    """Direct foreign-key guardian permissions: a team's rights on the agencies of its scope."""

    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class TeamKind(models.TextChoices):
    RECEPTION = "reception", _("Reception")
    TELESALES = "telesales", _("Telesales")
    TELEMARKETING = "telemarketing", _("Telemarketing")
    SALES = "sales", _("Sales")
    SALES_ASSISTANCE = "sales_assistance", _("Sales assistance")
    BILLING = "billing", _("Billing")
    AFTER_SALES = "after_sales", _("After-sales")
    PRODUCTION = "production", _("Production")
    MARKETING = "marketing", _("Marketing")
    MANAGEMENT = "management", _("Management")


class TeamScope(models.TextChoices):
    AGENCY = "agency", _("One agency")
    REGION = "region", _("One region")
    NATIONAL = "national", _("National")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=TeamScope.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="team", editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="agency", agency__isnull=False, region__isnull=True)
                    | Q(scope="region", agency__isnull=True, region__isnull=False)
                    | Q(scope="national", agency__isnull=True, region__isnull=True)
                ),
                name="team_scope_matches_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, agency: "Agency") -> bool:
        """Whether the agency is in the team's scope (the team's rights and work reach it)."""
        if self.scope == TeamScope.AGENCY:
            return self.agency_id == agency.pk
        if self.scope == TeamScope.REGION:
            return self.region_id == agency.region_id
        return True

    @property
    def unit_chain(self) -> str:
        """The organisation unit whose trace chain records this team's changes."""
        if self.scope == TeamScope.AGENCY:
            return f"agency:{self.agency_id}"
        if self.scope == TeamScope.REGION:
            return f"region:{self.region_id}"
        return "national"


class MembershipQuerySet(models.QuerySet):
    def in_force(self) -> "MembershipQuerySet":
        """Memberships that give their team's rights now: started (not only planned) and not ended.

        The one definition of "a member now" (issue 7, finding 12): a membership starting next
        month grants nothing until then. An end is never in the future (`membership_end`).
        """
        return self.filter(started_at__lte=timezone.now(), ended_at__isnull=True)


class Membership(models.Model):
    """A person in a team for a period. Ended memberships stay: they are the history."""

    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="memberships")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # A team lead assigns work in the team's queue (DESIGN.md section 6).
    is_lead = models.BooleanField(_("team lead"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "team"], condition=Q(ended_at__isnull=True), name="membership_one_open_per_team"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["team", "ended_at"], name="membership_team_open_idx")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
