"""Every URL pattern of the project (walked from the resolver), and how to fill its parameters."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
ADMIN = "admin/"
# Which object a URL parameter names.
PARAMETER_KIND = {
    "client_id": "client", "contact_id": "contact", "request_id": "request", "lead_id": "lead",
    "notification_id": "notification", "sale_id": "sale", "dispute_id": "dispute", "intake_id": "intake",
    "category_id": "category", "rule_id": "routing_rule", "agency_id": "agency", "membership_id": "membership",
    "user_id": "user", "team_id": "team", "unit_id": "agency", "campaign_id": "campaign", "target_id": "target",
    "potential_id": "potential", "import_id": "potential_import", "alert_id": "alert", "job_id": "job",
}  # fmt: skip
# `pk` names the object of its collection.
COLLECTION_KIND = {
    "regions": "region", "agencies": "agency", "teams": "team", "users": "user", "memberships": "membership",
    "clients": "client", "contacts": "contact", "interactions": "interaction", "products": "product",
    "service-requests": "request", "leads": "lead", "categories": "category", "routing-rules": "routing_rule",
    "business-hours": "agency", "notifications": "notification", "sales": "sale", "disputes": "dispute",
    "intakes": "intake", "campaigns": "campaign", "targets": "target", "potentials": "potential",
    "imports": "potential_import", "objectives": "objective", "alerts": "alert", "jobs": "job",
}  # fmt: skip
FIXED = {"action": "claim", "unit": "agency", "uidb64": "MQ", "token": "set-password", "code": "backlog",
         "table": "figures"}  # fmt: skip
# Objects seen by whoever made them: the caller's own, or someone else's.
PERSONAL = {"notification", "potential_import", "job"}


def project_patterns() -> list[str]:
    """Every route of the project, the Django admin counted as one (`admin/`)."""

    def walk(resolver: URLResolver, prefix: str):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith(ADMIN):
                    yield ADMIN
                else:
                    yield from walk(pattern, route)
            elif isinstance(pattern, URLPattern):
                yield route

    return list(dict.fromkeys(walk(get_resolver(), "")))


def object_kind(route: str) -> str | None:
    """The kind of the object the route is about (its last parameter's), None for a collection or a page."""
    kinds = [_kind(route, name) for _converter, name in PARAMETER.findall(route)]
    kinds = [kind for kind in kinds if kind]
    return kinds[-1] if kinds else None


def _kind(route: str, name: str) -> str | None:
    if name == "pk":
        collection = route.split("<")[0].rstrip("/").rsplit("/", 1)[-1]
        return COLLECTION_KIND[collection]
    return PARAMETER_KIND.get(name)


def fill(route: str, ids: dict[str, dict[str, int]], place: str, *, own: str) -> str:
    """The URL of `route` for the objects at `place` (a notification: the role's own, `own`)."""

    def value(match: re.Match) -> str:
        name = match.group(2)
        if name in FIXED and not (name == "action" and "/leads/" in route):
            return FIXED[name]
        if name == "action":
            return "start"
        kind = _kind(route, name)
        by_place = ids[kind]
        if kind in PERSONAL:
            mine = by_place.get(own, by_place["admin"])
            return str(mine if place == "own" else by_place["outsider" if own != "outsider" else "admin"])
        if kind == "contact" and place not in by_place:
            return str(by_place["same agency"])
        return str(by_place.get(place, by_place["same agency"]))

    return "/" + PARAMETER.sub(value, route)
