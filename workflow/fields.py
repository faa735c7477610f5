"""A category's fields as people read them: labels in the reader's language, values in words.

A category defines its fields (`Category.field_definitions`): a code, a French and an English label,
a type (text, number, date, choice) and, for a choice, its options, each with its two labels. What
a request carries is checked by `workflow.services.inputs.check_category_fields`; this module only
puts definitions and stored values into words for pages and answers.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import get_language

from workflow.models import Category, FieldType


def _in_language(labels: dict[str, Any], fallback: str) -> str:
    """The French or English label of a definition or an option, whichever the reader reads."""
    language = (get_language() or "fr")[:2]
    other = "en" if language == "fr" else "fr"
    return str(labels.get(f"label_{language}") or labels.get(f"label_{other}") or fallback)


def field_label(spec: dict[str, Any]) -> str:
    return _in_language(spec, spec.get("code", ""))


def option_label(spec: dict[str, Any], value: str) -> str:
    for option in spec.get("options") or []:
        if option.get("value") == value:
            return _in_language(option, value)
    return value


def value_in_words(spec: dict[str, Any] | None, value: Any) -> str:
    """A stored value as the reader reads it: a choice's label, a date and a number in their format."""
    if value in (None, ""):
        return ""
    kind = (spec or {}).get("type")
    if kind == FieldType.CHOICE:
        return option_label(spec or {}, str(value))
    if kind == FieldType.DATE:
        try:
            return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    if kind == FieldType.NUMBER:
        try:
            return formats.number_format(Decimal(str(value)), use_l10n=True)
        except (InvalidOperation, ValueError):
            return str(value)
    return str(value)


def code_in_words(code: str) -> str:
    """A field no definition describes any more (a category changed since): its code as words."""
    return code.replace("_", " ").strip().capitalize()


def fields_in_words(category: Category, values: dict[str, Any]) -> list[tuple[str, str]]:
    """A request's fields as (label, value), in the category's order, then any its category no longer defines."""
    specs = {spec["code"]: spec for spec in category.field_definitions}
    shown = [(field_label(spec), value_in_words(spec, values.get(code))) for code, spec in specs.items()
             if code in values]  # fmt: skip
    shown += [(code_in_words(code), str(value)) for code, value in values.items() if code not in specs]
    return shown
