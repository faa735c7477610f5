"""Inputs that a kind's services check, shared because an item of one kind can be requalified into the other.

A request names a category and carries the fields that category requires; a lead may name a product
and, once accepted, an amount.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from common.errors import InvalidInput
from crm.models import Product
from workflow.models import Category, FieldType


def category_or_error(code_or_category: str | Category | None) -> Category:
    if isinstance(code_or_category, Category):
        return code_or_category
    code = str(code_or_category or "")
    # A NUL byte reaches no database as a query parameter (PostgreSQL refuses it with an error).
    category = Category.objects.filter(code=code, is_active=True).first() if "\x00" not in code else None
    if category is None:
        raise InvalidInput({"category": _("Unknown category.")})
    return category


# Bounds of a category field's value: text as long as the form's input, dates people can mean.
FIELD_TEXT_MAX = 200
FIELD_NUMBER_MAX = Decimal("1e15")
FIELD_DATE_YEARS = (1900, 2100)


def _field_value(spec: dict[str, Any], raw: Any) -> tuple[str, str | None]:
    """The value as stored (a string), or an error message for it."""
    value = str(raw).strip() if raw is not None else ""
    if "\x00" in value:
        return "", _("Remove the null character.")
    kind = spec.get("type")
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            return "", _("Enter a number.")
        if not number.is_finite() or abs(number) >= FIELD_NUMBER_MAX:
            return "", _("Enter a number.")
        return format(number, "f"), None
    if kind == FieldType.DATE:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return "", _("Enter a date as YYYY-MM-DD.")
        if not FIELD_DATE_YEARS[0] <= day.year <= FIELD_DATE_YEARS[1]:
            return "", _("Enter a date between %(first)s and %(last)s.") % {
                "first": FIELD_DATE_YEARS[0], "last": FIELD_DATE_YEARS[1],
            }  # fmt: skip
        return day.isoformat(), None
    if kind == FieldType.CHOICE:
        values = [option["value"] for option in spec.get("options") or []]
        if value not in values:
            return "", _("Choose one of: %(options)s.") % {"options": ", ".join(values)}
        return value, None
    if len(value) > FIELD_TEXT_MAX:
        return "", _("Keep it under %(max)s characters.") % {"max": FIELD_TEXT_MAX}
    return value, None


def _printable_key(key: Any) -> str:
    """A key the caller sent, safe to name back in an error (no control characters)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(key))[:60]


def check_category_fields(
    category: Category, fields: dict[str, Any] | None, *, kept: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The category's fields, each checked by its type; a 400 names each wrong, missing or unknown one under `fields`.

    `kept` are values the request already carries (a transfer that changes the category): they stay
    as they are, and count for the new category's required fields of the same code.
    """
    if fields is not None and not isinstance(fields, dict):
        raise InvalidInput({"fields": [_("Give the fields as an object.")]})
    fields, kept = dict(fields or {}), dict(kept or {})
    specs = {spec["code"]: spec for spec in category.field_definitions}
    errors: dict[str, list[str]] = {}
    checked: dict[str, str] = {}
    for key, raw in fields.items():
        spec = specs.get(key)
        if spec is None:
            errors[_printable_key(key)] = [_("The category “%(category)s” has no such field.") % {
                "category": category.name}]  # fmt: skip
            continue
        value, problem = _field_value(spec, raw)
        if problem:
            errors[key] = [problem]
        elif value:
            checked[key] = value
    for code in category.required_fields:
        if code not in errors and not checked.get(code) and not str(kept.get(code) or "").strip():
            errors[code] = [_("This field is required for the category “%(category)s”.") % {"category": category.name}]
    if errors:
        raise InvalidInput({"fields": errors})
    return {**kept, **checked}


def product_or_error(product_id: int | Product | None) -> Product | None:
    if product_id is None or isinstance(product_id, Product):
        return product_id
    product = Product.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise InvalidInput({"product": _("Unknown product.")})
    return product


def amount_or_error(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput({field: _("Enter an amount.")}) from None
    if amount < 0 or not amount.is_finite():
        raise InvalidInput({field: _("The amount cannot be negative.")})
    return amount.quantize(Decimal("0.01"))
