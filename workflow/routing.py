"""Where a new item lands, and why (DESIGN.md section 6: routing rules).

Rules are tried in order; the first active rule of the item's kind whose `match` fits and whose
target exists decides. A rule whose target cannot be found (a client with no account owner, no team of
that kind covering the agency) is passed over, so the next rule (e.g. "the agency's sales team")
applies. With no rule, a request goes to its category's default queue and a lead to the account
owner, else to the sales team covering the client's agency.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Membership, Team, TeamKind, TeamScope, User
from common.errors import InvalidInput
from crm.models import Client, Product
from workflow.models import (
    OPEN_LEAD_STATUSES,
    OPEN_REQUEST_STATUSES,
    Assignment,
    Category,
    ItemKind,
    Lead,
    QueueCursor,
    RoutingRule,
    ServiceRequest,
    TargetType,
)

MATCH_KEYS = ("category", "segment", "agency", "region", "product_family", "channel")


@dataclass
class Route:
    team: Team | None
    assignee: User | None
    rule: RoutingRule | None
    reason: dict[str, Any] = field(default_factory=dict)


def item_facts(*, client: Client, category: Category | None, product: Product | None, channel: str) -> dict:
    return {
        "category": category.code if category else None,
        "segment": client.segment,
        "agency": client.agency_id,
        "region": client.agency.region_id,
        "product_family": product.family if product else None,
        "channel": channel,
    }


def rule_matches(match: dict[str, Any], facts: dict[str, Any]) -> bool:
    for key, wanted in (match or {}).items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if facts.get(key) is None or str(facts[key]) not in {str(v) for v in values}:
            return False
    return True


def team_covering(*, kind: str, client: Client) -> Team | None:
    """The active team of `kind` closest to the client's agency: the agency's, the region's, national."""
    candidates = Team.objects.filter(kind=kind, is_active=True).filter(
        Q(scope=TeamScope.AGENCY, agency_id=client.agency_id)
        | Q(scope=TeamScope.REGION, region_id=client.agency.region_id)
        | Q(scope=TeamScope.NATIONAL)
    )
    rank = {TeamScope.AGENCY: 0, TeamScope.REGION: 1, TeamScope.NATIONAL: 2}
    return min(candidates, key=lambda team: (rank[team.scope], team.pk), default=None)


def team_members(team: Team) -> list[User]:
    # Members now: a membership planned to start later gives no work yet (accounts.models.in_force).
    members_now = Membership.objects.in_force().filter(team=team).values("user_id")
    return list(User.objects.filter(is_active=True, pk__in=members_now).order_by("pk"))


def _pick_member(*, team: Team, assignment: str, kind: str) -> User | None:
    if assignment == Assignment.CLAIM:
        return None
    members = team_members(team)
    if not members:
        return None
    if assignment == Assignment.ROUND_ROBIN:
        cursor, _created = QueueCursor.objects.get_or_create(team=team)
        cursor = QueueCursor.objects.select_for_update().get(pk=cursor.pk)  # one pick at a time per team
        later = [m for m in members if cursor.last_user_id is None or m.pk > cursor.last_user_id]
        chosen = later[0] if later else members[0]
        cursor.last_user = chosen
        cursor.save(update_fields=["last_user"])
        return chosen
    model, open_statuses = (
        (ServiceRequest, OPEN_REQUEST_STATUSES) if kind == ItemKind.SERVICE_REQUEST else (Lead, OPEN_LEAD_STATUSES)
    )
    loads = dict(
        model.objects.filter(assignee__in=members, status__in=open_statuses)
        .values_list("assignee")
        .annotate(n=Count("pk"))
    )
    return min(members, key=lambda m: (loads.get(m.pk, 0), m.pk))


def _sales_team_of(user: User, client: Client) -> Team | None:
    membership = (
        Membership.objects.filter(user=user, ended_at__isnull=True, team__kind=TeamKind.SALES)
        .select_related("team")
        .order_by("pk")
        .first()
    )
    return membership.team if membership else None


def _owner_covering(client: Client) -> User | None:
    """The client's account owner, if they still work leads for the client's agency (DESIGN.md section 5).

    An owner who moved away, or was switched off, without their accounts being handed over is passed
    over: routing never gives a client's work to someone who cannot see the client.
    """
    owner = client.account_owner
    if owner is None or not rights.has_agency_perm(owner, rights.WORK_LEADS, client.agency_id):
        return None
    return owner


def _apply(rule: RoutingRule, client: Client, kind: str) -> Route | None:
    reason = {"code": "rule", "rule": rule.pk, "name": rule.name, "order": rule.order}
    if rule.target_type == TargetType.ACCOUNT_OWNER:
        owner = _owner_covering(client)
        if owner is None:
            return None
        return Route(team=_sales_team_of(owner, client), assignee=owner, rule=rule,
                     reason={**reason, "target": "account_owner", "user": owner.pk})  # fmt: skip
    if rule.target_type == TargetType.USER:
        if rule.target_user is None or not rule.target_user.is_active:
            return None
        return Route(team=None, assignee=rule.target_user, rule=rule,
                     reason={**reason, "target": "user", "user": rule.target_user_id})  # fmt: skip
    team = (
        rule.target_team
        if rule.target_type == TargetType.TEAM
        else team_covering(kind=rule.target_team_kind, client=client)
    )
    if team is None or not team.is_active:
        return None
    assignee = _pick_member(team=team, assignment=rule.assignment, kind=kind)
    return Route(team=team, assignee=assignee, rule=rule,
                 reason={**reason, "target": "team", "team": team.pk, "assignment": rule.assignment})  # fmt: skip


def route_item(
    *, kind: str, client: Client, category: Category | None = None, product: Product | None = None, channel: str
) -> Route:
    """Decide where a new (or requalified) item lands. Called inside the creating transaction."""
    facts = item_facts(client=client, category=category, product=product, channel=channel)
    rules = RoutingRule.objects.filter(kind=kind, is_active=True).select_related("target_team", "target_user")
    for rule in rules.order_by("order", "pk"):
        if rule_matches(rule.match, facts):
            route = _apply(rule, client, kind)
            if route is not None:
                return route
    if kind == ItemKind.SERVICE_REQUEST:
        team = team_covering(kind=category.default_team_kind, client=client) if category else None
        if team is None:
            raise InvalidInput({"category": _("No team can take this category for this client's agency.")})
        return Route(team=team, assignee=None, rule=None,
                     reason={"code": "category_default", "category": category.code, "team": team.pk})  # fmt: skip
    owner = _owner_covering(client)
    if owner is not None:
        return Route(team=_sales_team_of(owner, client), assignee=owner, rule=None,
                     reason={"code": "account_owner_default", "user": owner.pk})  # fmt: skip
    team = team_covering(kind=TeamKind.SALES, client=client)
    if team is None:
        raise InvalidInput({"client": _("This client has no account owner and no sales team covers its agency.")})
    return Route(team=team, assignee=None, rule=None, reason={"code": "sales_team_default", "team": team.pk})


def describe_routing(reason: dict[str, Any], names: dict[str, dict[int, str]] | None = None) -> str:
    """Put a stored routing reason into words, in the reader's language.

    `names` maps "team"/"user" ids to display names when the caller already has them (lists);
    otherwise they are looked up.
    """
    if not reason:
        return ""
    names = names or {}

    def team_name(pk: int | None) -> str:
        if pk is None:
            return "?"
        return names.get("team", {}).get(pk) or str(Team.objects.filter(pk=pk).first() or pk)

    def user_name(pk: int | None) -> str:
        if pk is None:
            return "?"
        return names.get("user", {}).get(pk) or str(User.objects.filter(pk=pk).first() or pk)

    code = reason.get("code")
    if code == "rule":
        if reason.get("target") == "team":
            target = _("the %(team)s queue (%(assignment)s)") % {
                "team": team_name(reason.get("team")),
                "assignment": dict(Assignment.choices).get(reason.get("assignment"), ""),
            }
        elif reason.get("target") == "account_owner":
            target = _("the account owner, %(user)s") % {"user": user_name(reason.get("user"))}
        else:
            target = user_name(reason.get("user"))
        return _("Routing rule %(order)s “%(name)s” sent it to %(target)s.") % {
            "order": reason.get("order"), "name": reason.get("name"), "target": target,
        }  # fmt: skip
    if code == "category_default":
        return _("No rule matched: default queue of category “%(category)s”, %(team)s.") % {
            "category": reason.get("category"), "team": team_name(reason.get("team")),
        }  # fmt: skip
    if code == "account_owner_default":
        return _("No rule matched: sent to the client's account owner, %(user)s.") % {
            "user": user_name(reason.get("user"))
        }
    if code == "sales_team_default":
        return _("The client has no account owner: sent to the sales team %(team)s.") % {
            "team": team_name(reason.get("team"))
        }
    if code == "transferred":
        return _("Transferred by %(user)s to %(team)s: %(reason)s") % {
            "user": user_name(reason.get("by")), "team": team_name(reason.get("team")),
            "reason": reason.get("reason", ""),
        }  # fmt: skip
    if code == "reassigned":
        return _("Reassigned by %(by)s to %(user)s.") % {
            "by": user_name(reason.get("by")), "user": user_name(reason.get("user")),
        }  # fmt: skip
    if code == "handed_over":
        if reason.get("user") is not None:
            return _("Handed over by %(by)s to %(user)s.") % {
                "by": user_name(reason.get("by")), "user": user_name(reason.get("user")),
            }  # fmt: skip
        return _("Handed over by %(by)s to the %(team)s queue.") % {
            "by": user_name(reason.get("by")), "team": team_name(reason.get("team")),
        }  # fmt: skip
    if code == "assigned":
        return _("Assigned by %(by)s to %(user)s.") % {
            "by": user_name(reason.get("by")), "user": user_name(reason.get("user")),
        }  # fmt: skip
    return str(code)
