"""Links between an item and the one it was requalified from or into, as far as the reader may follow them."""

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse

from accounts.models import User
from workflow.kinds import Item, kind_of


def link(user: User, item: Item | None) -> dict | None:
    """A linked item, pointing to what the user may open: its page, its status page, or nothing."""
    if item is None:
        return None
    kind, url = kind_of(item), ""
    if kind.readable(user=user).filter(pk=item.pk).exists():
        url = reverse(kind.detail_url, args=[item.pk])
    elif kind.followable is not None and kind.followable(user=user).filter(pk=item.pk).exists():
        url = reverse(kind.status_url, args=[item.pk])
    return {"reference": item.reference, "url": url}


def requalified_to(item: Item) -> Item | None:
    """What the item was requalified into (a reverse one-to-one: absent raises)."""
    try:
        return item.requalified_to
    except ObjectDoesNotExist:
        return None
