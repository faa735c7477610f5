"""How the client record's stored values read on a page."""

from django import template

from crm.identifiers import display_phone

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """A stored E.164 number as people read it: `03 20 12 34 56` for French numbers."""
    return display_phone(value)
