"""Inputs that a kind's services check, shared because an item of one kind can be requalified into the other.

A request names a category and carries the fields that category requires; a lead may name a product
and, once accepted, an amount.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from common.errors import InvalidInput
from crm.models import Product
from workflow.models import Category


def category_or_error(code_or_category: str | Category | None) -> Category:
    if isinstance(code_or_category, Category):
        return code_or_category
    category = Category.objects.filter(code=code_or_category or "", is_active=True).first()
    if category is None:
        raise InvalidInput({"category": _("Unknown category.")})
    return category


def check_category_fields(category: Category, fields: dict[str, Any] | None) -> dict[str, Any]:
    """Every field the category requires, present and not blank; a 400 names each missing one."""
    fields = dict(fields or {})
    missing = {
        name: [_("This field is required for the category “%(category)s”.") % {"category": category.name}]
        for name in category.required_fields
        if not str(fields.get(name) or "").strip()
    }
    if missing:
        raise InvalidInput({"fields": missing})
    return fields


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
