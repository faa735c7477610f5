"""Admin settings of the workflow: categories and routing rules. Each change is traced (org:national)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Team, TeamKind, User
from common.errors import InvalidInput
from trace.catalogue import EventType
from trace.services import org_chain, trace_append
from workflow import events
from workflow.models import Assignment, Category, ItemKind, RoutingRule, TargetType
from workflow.routing import MATCH_KEYS

CATEGORY_FIELDS = ("code", "name", "required_fields", "response_hours", "resolution_hours", "default_team_kind",
                   "is_active")  # fmt: skip
RULE_FIELDS = ("order", "name", "kind", "match", "target_type", "target_team", "target_team_kind", "target_user",
               "assignment", "is_active")  # fmt: skip


def _require_admin(actor: User) -> None:
    rights.require_org_admin(actor, _("Only an administrator can change the workflow settings."))


def _check_category(data: dict[str, Any], instance: Category | None) -> None:
    errors: dict[str, str] = {}
    code = data.get("code", instance.code if instance else "")
    if not code:
        errors["code"] = _("This field is required.")
    elif Category.objects.filter(code=code).exclude(pk=instance.pk if instance else None).exists():
        errors["code"] = _("A category with this code already exists.")
    if not data.get("name", instance.name if instance else ""):
        errors["name"] = _("This field is required.")
    required = data.get("required_fields", instance.required_fields if instance else [])
    if not isinstance(required, list) or not all(isinstance(f, str) and f.strip() for f in required):
        errors["required_fields"] = _("Give a list of field names.")
    if data.get("default_team_kind", TeamKind.AFTER_SALES) not in TeamKind.values:
        errors["default_team_kind"] = _("Unknown team kind.")
    for field in ("response_hours", "resolution_hours"):
        if field in data and (not isinstance(data[field], int) or data[field] <= 0):
            errors[field] = _("Give a number of hours above zero.")
    if errors:
        raise InvalidInput(errors)


def _trace_setting(actor: User, obj: Category | RoutingRule, action: EventType, changed: list[str]) -> None:
    trace_append(actor=actor, action=action, obj=obj, chain=org_chain("national"), payload={"fields": sorted(changed)})


@transaction.atomic
def category_create(*, actor: User, **data: Any) -> Category:
    _require_admin(actor)
    _check_category(data, None)
    category = Category.objects.create(**{k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    _trace_setting(actor, category, events.CATEGORY_CREATED, list(data))
    return category


@transaction.atomic
def category_update(*, actor: User, category_id: int, **data: Any) -> Category:
    _require_admin(actor)
    category = Category.objects.select_for_update().get(pk=category_id)
    _check_category(data, category)
    changed = [k for k, v in data.items() if k in CATEGORY_FIELDS and getattr(category, k) != v]
    for field in changed:
        setattr(category, field, data[field])
    if changed:
        category.save()
        _trace_setting(actor, category, events.CATEGORY_UPDATED, changed)
    return category


def _check_rule(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if values.get("kind") not in ItemKind.values:
        errors["kind"] = _("Unknown kind.")
    match = values.get("match") or {}
    if not isinstance(match, dict):
        errors["match"] = _("Give the criteria as an object.")
    elif set(match) - set(MATCH_KEYS):
        errors["match"] = _("Unknown criteria: %(keys)s.") % {"keys": ", ".join(sorted(set(match) - set(MATCH_KEYS)))}
    target_type = values.get("target_type")
    if target_type not in TargetType.values:
        errors["target_type"] = _("Unknown target.")
    elif target_type == TargetType.TEAM and not isinstance(values.get("target_team"), Team):
        errors["target_team"] = _("Choose the team.")
    elif target_type == TargetType.TEAM_OF_KIND and values.get("target_team_kind") not in TeamKind.values:
        errors["target_team_kind"] = _("Choose the kind of team.")
    elif target_type == TargetType.USER and not isinstance(values.get("target_user"), User):
        errors["target_user"] = _("Choose the person.")
    if values.get("assignment", Assignment.CLAIM) not in Assignment.values:
        errors["assignment"] = _("Unknown assignment.")
    if not isinstance(values.get("order"), int) or values["order"] < 0:
        errors["order"] = _("Give a position (0 or more).")
    if not (values.get("name") or "").strip():
        errors["name"] = _("This field is required.")
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def routing_rule_create(*, actor: User, **data: Any) -> RoutingRule:
    _require_admin(actor)
    values = {k: v for k, v in data.items() if k in RULE_FIELDS}
    _check_rule(values)
    rule = RoutingRule.objects.create(**values)
    _trace_setting(actor, rule, events.ROUTING_RULE_CREATED, list(values))
    return rule


@transaction.atomic
def routing_rule_update(*, actor: User, rule_id: int, **data: Any) -> RoutingRule:
    _require_admin(actor)
    rule = RoutingRule.objects.select_for_update().get(pk=rule_id)
    values = {field: getattr(rule, field) for field in RULE_FIELDS}
    values.update({k: v for k, v in data.items() if k in RULE_FIELDS})
    _check_rule(values)
    changed = [k for k in RULE_FIELDS if k in data and getattr(rule, k) != data[k]]
    for field in changed:
        setattr(rule, field, data[field])
    if changed:
        rule.save()
        _trace_setting(actor, rule, events.ROUTING_RULE_UPDATED, changed)
    return rule
