"""Credits and their chronology put into words, in the reader's language, for the pages, the API and the CSV.

Rows store a rule's code and the ids of the trace events that decided them; here they become the
sentence a salesperson reads ("Initiator: Camille Delattre raised lead L-12 on 3 March…").
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crm.events import PROPOSAL_RECORDED
from trace.catalogue import event_type
from trace.models import TraceEvent
from workflow import events
from workflow.models_sales import Credit, CreditRule

DISPUTE_TYPE = "workflow.dispute"


def person_name(event: TraceEvent | None) -> str:
    if event is None or not event.actor_id or event.actor is None:
        return _("Relais (automatic)")
    return str(event.actor)


def when(event: TraceEvent) -> str:
    return date_format(timezone.localtime(event.created_at), "DATE_FORMAT")


def reference(event: TraceEvent) -> str:
    """The item an event is about, as people name it: L-12, S-4, D-2, or "proposal"."""
    if event.object_type == "workflow.lead":
        return f"L-{event.object_id}"
    if event.object_type == "workflow.sale":
        return f"S-{event.object_id}"
    if event.object_type == DISPUTE_TYPE:
        return f"D-{event.object_id}"
    if event.action == PROPOSAL_RECORDED.action:
        return _("proposal")
    return ""


def rule_text(credit: Credit, found: dict[int, TraceEvent]) -> str:
    """Why this row says what it says, from its rule and the events that decided it (`found`, by id)."""
    event = next((found[event_id] for event_id in credit.events if event_id in found), None)
    words = {"family": credit.sale.product.family, "days": settings.ATTRIBUTION_WINDOW_DAYS,
             "share": credit.share, "person": person_name(event)}  # fmt: skip
    if event is not None:
        words.update(date=when(event), ref=reference(event))
    if credit.rule == CreditRule.EARLIEST_LEAD and event is not None:
        return _("Initiator: %(person)s raised lead %(ref)s on %(date)s, the first lead or proposal for "
                 "%(family)s in the %(days)s days before the sale.") % words  # fmt: skip
    if credit.rule == CreditRule.EARLIEST_PROPOSAL and event is not None:
        return _("Initiator: %(person)s made a proposal for %(family)s, recorded on %(date)s, the first lead or "
                 "proposal in the %(days)s days before the sale.") % words  # fmt: skip
    if credit.rule == CreditRule.NO_INITIATOR:
        return _("Initiator: no lead or proposal for %(family)s in the %(days)s days before the sale, so whoever "
                 "closed it.") % words  # fmt: skip
    if credit.rule == CreditRule.CLOSER and event is not None:
        return _("Closer: %(person)s recorded the sale %(ref)s on %(date)s.") % words
    if credit.rule == CreditRule.OWNER_SHARE:
        return _("Account owner: the product is complex and someone else sold it on the account; the owner's "
                 "share of this product is %(share)s %%.") % words  # fmt: skip
    if credit.rule == CreditRule.DISPUTE and event is not None:
        return _("Decided by a manager on dispute %(ref)s, opened by %(person)s on %(date)s.") % words
    if credit.rule == CreditRule.REVERSAL:
        return _("Reversed: the sale was cancelled.")
    return str(CreditRule(credit.rule).label)


STANDINGS = {
    "initiated": lambda: _("The first lead or proposal for this family in the window: its author initiated the sale."),
    "later": lambda: _("Counts, but came after an earlier lead or proposal."),
    "before_window": lambda: (
        _("Recorded more than %(days)s days before the sale: too old to count.")
        % {"days": settings.ATTRIBUTION_WINDOW_DAYS}
    ),
    "not_a_lead": lambda: _("Requalified as not a lead: does not count."),
    "after_sale": lambda: _("Recorded after the sale: does not count for it."),
}


def standing_text(standing: str) -> str:
    return STANDINGS[standing]() if standing in STANDINGS else ""


def event_label(event: TraceEvent) -> str:
    return str(event_type(event.action).label)


def is_sale_event(event: TraceEvent) -> bool:
    return event.action in (events.SALE_RECORDED.action, events.SALE_CANCELLED.action)
