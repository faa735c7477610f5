"""Admin settings of the workflow: categories, routing rules (org:national chain) and agencies' business hours."""

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Agency, Team, TeamKind, User
from common.errors import InvalidInput
from trace.catalogue import EventType
from trace.services import org_chain, trace_append
from workflow import events, hours
from workflow.due import MAX_TARGET_HOURS
from workflow.models import (
    AgencyCalendar,
    Assignment,
    Category,
    FieldType,
    ItemKind,
    RoutingRule,
    TargetType,
    text_field_definition,
)
from workflow.routing import MATCH_KEYS

CATEGORY_FIELDS = ("code", "name", "field_definitions", "response_hours", "resolution_hours", "default_team_kind",
                   "extra_team_kinds", "is_active")  # fmt: skip
RULE_FIELDS = ("order", "name", "kind", "match", "target_type", "target_team", "target_team_kind", "target_user",
               "assignment", "is_active")  # fmt: skip

# Bounds that keep every date computed from a setting a date (issue 7, finding 8): a target of at
# most a year of hours (`workflow.due.MAX_TARGET_HOURS`), rules numbered up to a million, twenty
# fields of fifty options at most.
MAX_RULE_ORDER = 1_000_000
MAX_FIELDS = 20
MAX_OPTIONS = 50
FIELD_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def queue_team_kinds() -> list[str]:
    """The kinds of team that work requests in a queue: the only ones a category may be handled by."""
    return [kind for kind in TeamKind.values if rights.WORK_REQUESTS in rights.ROLE_MAP[kind]
            and kind != TeamKind.MANAGEMENT]  # fmt: skip


def _require_admin(actor: User) -> None:
    rights.require_org_admin(actor, _("Only an administrator can change the workflow settings."))


def _label_errors(entry: dict, what: str) -> str | None:
    for language in ("fr", "en"):
        label = entry.get(f"label_{language}")
        if not isinstance(label, str) or not label.strip() or len(label) > 120 or "\x00" in label:
            return _("Give %(what)s a label in French and in English (120 characters at most).") % {"what": what}
    return None


def check_field_definitions(definitions: Any) -> list[dict] | dict[str, list[str]]:
    """The definitions normalised, or the errors per field code (or position) when they are wrong."""
    if not isinstance(definitions, list) or len(definitions) > MAX_FIELDS:
        return {"fields": [_("Give at most %(max)s fields.") % {"max": MAX_FIELDS}]}
    errors: dict[str, list[str]] = {}
    clean, seen = [], set()
    for position, entry in enumerate(definitions, start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        name = code if isinstance(code, str) and FIELD_CODE.match(code) else str(position)
        if not isinstance(entry, dict) or not isinstance(code, str) or not FIELD_CODE.match(code):
            errors[name] = [_("A field's code is lower-case letters, digits and _, starting with a letter.")]
            continue
        if code in seen:
            errors[name] = [_("Two fields have this code.")]
            continue
        seen.add(code)
        problem = _label_errors(entry, _("the field"))
        kind = entry.get("type", FieldType.TEXT)
        if kind not in FieldType.values:
            problem = _("Unknown type: choose text, number, date or choice.")
        options = entry.get("options") or []
        if kind == FieldType.CHOICE:
            values = [o.get("value") if isinstance(o, dict) else None for o in options]
            if not options or len(options) > MAX_OPTIONS:
                problem = _("A choice needs between 1 and %(max)s options.") % {"max": MAX_OPTIONS}
            elif any(not isinstance(v, str) or not FIELD_CODE.match(v) for v in values) or len(set(values)) != len(
                values
            ):
                problem = _("Each option needs its own code (lower-case letters, digits and _).")
            elif any(_label_errors(option, _("each option")) for option in options):
                problem = _label_errors(next(o for o in options if _label_errors(o, "")), _("each option"))
        if problem:
            errors[code] = [problem]
            continue
        clean.append({
            "code": code, "label_fr": entry["label_fr"].strip(), "label_en": entry["label_en"].strip(), "type": kind,
            "required": bool(entry.get("required", True)),
            "options": [{"value": o["value"], "label_fr": o["label_fr"].strip(), "label_en": o["label_en"].strip()}
                        for o in options] if kind == FieldType.CHOICE else [],
        })  # fmt: skip
    return errors or clean


def _check_category(data: dict[str, Any], instance: Category | None) -> None:
    """Check the category's settings as they would be after the change; normalise `data` in place."""
    errors: dict[str, Any] = {}
    current = {name: getattr(instance, name) for name in CATEGORY_FIELDS} if instance else {}
    values = {**current, **data}
    code = values.get("code") or ""
    if not code:
        errors["code"] = _("This field is required.")
    elif Category.objects.filter(code=code).exclude(pk=instance.pk if instance else None).exists():
        errors["code"] = _("A category with this code already exists.")
    if not (values.get("name") or "").strip():
        errors["name"] = _("This field is required.")
    if "field_definitions" in data:
        checked = check_field_definitions(data["field_definitions"])
        if isinstance(checked, dict):
            errors["fields"] = checked
        else:
            data["field_definitions"] = checked
    kinds = queue_team_kinds()
    if values.get("default_team_kind", TeamKind.AFTER_SALES) not in kinds:
        errors["default_team_kind"] = _("Choose a kind of team that works requests in a queue.")
    extra = values.get("extra_team_kinds") or []
    if not isinstance(extra, list) or any(kind not in kinds for kind in extra):
        errors["extra_team_kinds"] = _("Choose kinds of team that work requests in a queue.")
    elif "extra_team_kinds" in data:
        data["extra_team_kinds"] = sorted(set(extra) - {values.get("default_team_kind")})
    hours = {}
    for field in ("response_hours", "resolution_hours"):
        value = values.get(field, Category._meta.get_field(field).default)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TARGET_HOURS:
            errors[field] = _("Give a number of hours between 1 and %(max)s.") % {"max": MAX_TARGET_HOURS}
        hours[field] = value
    both_valid = "response_hours" not in errors and "resolution_hours" not in errors
    if both_valid and hours["resolution_hours"] < hours["response_hours"]:
        errors["resolution_hours"] = _("The resolution target cannot be shorter than the response target.")
    if errors:
        raise InvalidInput(errors)


def _as_definitions(data: dict[str, Any]) -> dict[str, Any]:
    """`required_fields` (names only, the first API's shorthand) as text fields, unless definitions are given."""
    data = dict(data)
    names = data.pop("required_fields", None)
    if names is not None and "field_definitions" not in data:
        if not isinstance(names, list) or not all(isinstance(n, str) and FIELD_CODE.match(n) for n in names):
            raise InvalidInput({"required_fields": _("Give a list of field codes (lower-case letters, digits and _).")})
        data["field_definitions"] = [text_field_definition(name) for name in names]
    return data


def _trace_setting(actor: User, obj: Category | RoutingRule, action: EventType, changed: list[str]) -> None:
    trace_append(actor=actor, action=action, obj=obj, chain=org_chain("national"), payload={"fields": sorted(changed)})


@transaction.atomic
def category_create(*, actor: User, **data: Any) -> Category:
    _require_admin(actor)
    data = _as_definitions(data)
    _check_category(data, None)
    category = Category.objects.create(**{k: v for k, v in data.items() if k in CATEGORY_FIELDS})
    _trace_setting(actor, category, events.CATEGORY_CREATED, list(data))
    return category


@transaction.atomic
def category_update(*, actor: User, category_id: int, **data: Any) -> Category:
    _require_admin(actor)
    category = Category.objects.select_for_update().get(pk=category_id)
    data = _as_definitions(data)
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
    order = values.get("order")
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= MAX_RULE_ORDER:
        errors["order"] = _("Give a position between 0 and %(max)s.") % {"max": MAX_RULE_ORDER}
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


# --- Business hours of an agency ---------------------------------------------------------------------

CALENDAR_FIELDS = ("time_zone", "opening_hours", "closed_on_public_holidays", "holiday_subdivision", "closed_days")
MAX_INTERVALS_PER_DAY = 4
MAX_CLOSED_DAYS = 100
CLOSED_DAY_YEARS = (2000, 2100)


def _check_week(week: Any) -> dict[str, list[list[str]]] | str:
    """Opening hours normalised (every weekday, intervals in order), or what is wrong with them."""
    if not isinstance(week, dict) or set(week) - set(hours.WEEKDAYS):
        return _("Give the hours per weekday: monday … sunday.")
    clean: dict[str, list[list[str]]] = {}
    for day in hours.WEEKDAYS:
        intervals = week.get(day) or []
        if not isinstance(intervals, list) or len(intervals) > MAX_INTERVALS_PER_DAY:
            return _("At most %(max)s opening intervals a day.") % {"max": MAX_INTERVALS_PER_DAY}
        pairs = []
        for pair in intervals:
            bounds = [hours.minutes_of(t) for t in pair] if isinstance(pair, list | tuple) and len(pair) == 2 else []
            if len(bounds) != 2 or None in bounds or bounds[0] >= bounds[1]:
                return _("Write each interval as a start and an end, HH:MM, the end after the start.")
            pairs.append((bounds[0], bounds[1], [pair[0], pair[1]]))
        pairs.sort()
        if any(later[0] < earlier[1] for earlier, later in zip(pairs, pairs[1:], strict=False)):
            return _("The intervals of a day must not overlap.")
        clean[day] = [pair for _start, _end, pair in pairs]
    return clean


def _check_closed_days(rows: Any) -> list[dict[str, str]] | str:
    if not isinstance(rows, list) or len(rows) > MAX_CLOSED_DAYS:
        return _("Give at most %(max)s closed days.") % {"max": MAX_CLOSED_DAYS}
    clean = {}
    for row in rows:
        try:
            day = date.fromisoformat(row["date"])
        except (KeyError, TypeError, ValueError):
            return _("Give each closed day as a date, YYYY-MM-DD.")
        if not CLOSED_DAY_YEARS[0] <= day.year <= CLOSED_DAY_YEARS[1]:
            return _("Closed days are between %(first)s and %(last)s.") % {
                "first": CLOSED_DAY_YEARS[0], "last": CLOSED_DAY_YEARS[1],
            }  # fmt: skip
        label = row.get("label") or ""
        if not isinstance(label, str) or len(label) > 120 or "\x00" in label:
            return _("A closed day's label is 120 characters at most.")
        clean[day.isoformat()] = label.strip()
    return [{"date": day, "label": label} for day, label in sorted(clean.items())]


def _check_calendar(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(data)
    if "time_zone" in data and not hours.is_time_zone(data["time_zone"]):
        errors["time_zone"] = _("Unknown time zone (e.g. Europe/Paris).")
    if "holiday_subdivision" in data and data["holiday_subdivision"] not in ("", *hours.HOLIDAY_SUBDIVISIONS):
        errors["holiday_subdivision"] = _("Unknown subdivision of the French holiday calendar.")
    if "closed_on_public_holidays" in data and not isinstance(data["closed_on_public_holidays"], bool):
        errors["closed_on_public_holidays"] = _("Say yes or no.")
    # Each checker answers the value normalised, or what is wrong with it.
    for field, check in (("opening_hours", _check_week), ("closed_days", _check_closed_days)):
        if field in data:
            checked = check(data[field])
            errors.update({field: checked} if isinstance(checked, str) else {})
            clean[field] = checked
    if errors:
        raise InvalidInput(errors)
    return clean


@transaction.atomic
def agency_calendar_update(*, actor: User, agency_id: int, **data: Any) -> AgencyCalendar:
    """Set an agency's business hours (an administrator). The targets of items created afterwards count them.

    Items already open keep the due times they were given: the client was promised those.
    """
    _require_admin(actor)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise InvalidInput({"agency": _("Unknown agency.")})
    data = _check_calendar({k: v for k, v in data.items() if k in CALENDAR_FIELDS})
    calendar = AgencyCalendar.objects.select_for_update().filter(agency=agency).first()
    if calendar is None:
        calendar = AgencyCalendar(agency=agency, opening_hours=hours.DEFAULT_OPENING_HOURS)
    changed = [k for k, v in data.items() if getattr(calendar, k) != v] if calendar.pk else list(CALENDAR_FIELDS)
    for field in data:
        setattr(calendar, field, data[field])
    if changed:
        calendar.save()
        trace_append(actor=actor, action=events.AGENCY_CALENDAR_UPDATED, obj=calendar,
                     chain=org_chain(f"agency:{agency.pk}"), payload={"fields": sorted(changed)})  # fmt: skip
    return calendar
