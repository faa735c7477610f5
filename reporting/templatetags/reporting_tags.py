from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def figure(value: Decimal | None, unit: str = "count") -> str:
    """A figure in words: nothing to measure is a dash; minutes read as hours or days past an hour."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{floatformat(value, 1)} %"
    if unit == "minutes":
        minutes = int(value)
        if minutes < 60:
            return _("≤ %(n)s min") % {"n": minutes}
        if minutes < 1440:
            return _("≤ %(n)s h") % {"n": minutes // 60}
        return _("≤ %(n)s d") % {"n": minutes // 1440}
    if unit == "days":
        return _("%(n)s d") % {"n": floatformat(value, 1)}
    if unit == "amount":
        return f"{floatformat(value, '2g')} €"
    return floatformat(value, "-2g")


@register.filter
def get(mapping: dict, key):
    return (mapping or {}).get(key)


@register.simple_tag
def objective_of(objectives: dict, kind: str, unit_id: int, code: str):
    return (objectives or {}).get((kind, unit_id), {}).get(code)
