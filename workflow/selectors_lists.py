"""Searching and sorting the lists people work from (issue 8, item 9): the queue and the inbox.

A search names an item by its reference (SR-12, L-7 or 12), or words of its subject or its client's
name. It narrows a list already scoped and filtered through its index (team or holder, status), so
the text is matched only within that list.
"""

import re

from django.db.models import F, Q, QuerySet

# The orders a list can be shown in; the first is the list's own (new or unclaimed first, then oldest).
SORTS = ("", "due", "created", "-created", "status")
_REFERENCE = re.compile(r"^\s*(?:SR|L)?-?\s*(\d{1,12})\s*$", re.IGNORECASE)


def search_items(qs: QuerySet, q: str | None) -> QuerySet:
    q = (q or "").strip()[:100]
    if not q:
        return qs
    found = _REFERENCE.match(q)
    words = Q(subject__icontains=q) | Q(client__name__icontains=q)
    return qs.filter(words | Q(pk=int(found.group(1)))) if found else qs.filter(words)


def sort_items(qs: QuerySet, sort: str | None) -> QuerySet:
    """Re-order a worklist (annotated with `sla_due_at`); the list's own order when no sort is asked."""
    if sort == "due":
        return qs.order_by(F("sla_due_at").asc(nulls_last=True), "created_at", "pk")
    if sort == "created":
        return qs.order_by("created_at", "pk")
    if sort == "-created":
        return qs.order_by("-created_at", "-pk")
    if sort == "status":
        return qs.order_by("status", "created_at", "pk")
    return qs
