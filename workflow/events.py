"""The workflow's events (see `trace.catalogue`): each request and lead action, declared once.

For each: how it reads in a history, who hears of it (`Audience`, turned into people by
`workflow.services.notifications`) and with which words, which parts of its payload an item's
history spells out, and whether its payload is the item's content (a lead's content is confidential)
or only its status. The code passes these constants (or, through `services.common.record`, the
last word of their name for the item's kind); the names themselves are history and never change.
"""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import Audience, Notice, Payload, declare

# The parts of a payload that an item's history puts into words (see workflow/views/history.py).
ROUTING = "routing"  # the team and the person it is with
POTENTIAL = "potential"  # the amount and probability a salesperson sees in a lead
AMOUNT = "amount"  # the amount won
BECAME = "became"  # the item it was requalified into

# What notifications say; a notice is shared by the request and the lead event of the same verb.
# `%(actor)s` is who acted (Relais itself when nobody did), `%(item)s` the item's reference, with its
# subject when the reader may read it; the client's name follows (workflow/notifications.py).
CREATED = Notice("created", _("%(actor)s sent %(item)s"))
ASSIGNED = Notice("assigned", _("%(actor)s assigned %(item)s to you"))
TRANSFERRED = Notice("transferred", _("%(actor)s transferred %(item)s to your team"))
RESOLVED = Notice("resolved", _("%(actor)s resolved %(item)s"))
REOPENED = Notice("reopened", _("%(actor)s reopened %(item)s"))
CANCELLED = Notice("cancelled", _("%(actor)s cancelled %(item)s"))
REQUALIFIED = Notice("requalified", _("%(actor)s requalified %(item)s"))
COMMENTED = Notice("commented", _("%(actor)s commented on %(item)s"))
WON = Notice("won", _("%(actor)s marked %(item)s as won"))
LOST = Notice("lost", _("%(actor)s marked %(item)s as lost"))
REASSIGNED = Notice("reassigned", _("%(actor)s reassigned %(item)s to you"))
SLA_REMINDER = Notice("sla_reminder", _("%(item)s is past its target: please act"))
SLA_ESCALATION = Notice("sla_escalation", _("%(item)s is overdue and escalated to you"))
CALLBACK_DUE = Notice("callback_due", _("Time to call the client back about %(item)s"))

# Steps the sender used to hear of: reception is now told of outcomes only (resolved, cancelled,
# requalified, won, lost), not of every step. No event sends these any more; they stay so that the
# notifications written before still read.
RETIRED_NOTICES = {
    notice.verb: notice
    for notice in (
        Notice("claimed", _("%(actor)s took %(item)s in charge")),
        Notice("waiting_client", _("%(actor)s is waiting for the client on %(item)s")),
        Notice("accepted", _("%(actor)s accepted %(item)s")),
    )
}

# What kind of news each notice is (`workflow.models.NotificationTopic`), apart from who hears it:
# to the sender every notice is an outcome, to a manager an escalation (see
# `workflow.services.notifications.topic_of`); to those who hold the item or its queue, these:
REMINDER_VERBS = frozenset({SLA_REMINDER.verb, CALLBACK_DUE.verb})
ACTIVITY_VERBS = frozenset({COMMENTED.verb, CANCELLED.verb})
# The rest (created, assigned, transferred, reassigned, reopened, handed over) is work landing on
# someone: given to them, or to their team's queue.

HOLDERS, SENDER, MANAGERS = Audience.HOLDERS, Audience.SENDER, Audience.MANAGERS
CONTENT = Payload.CONTENT

# fmt: off
# Service requests: seen in full by whoever sees the client, so their payloads are never hidden.
REQUEST_CREATED = declare("workflow.request.created", _("Service request created"),
                          payload=CONTENT, audience=HOLDERS, notice=CREATED, history=(ROUTING,))
REQUEST_CLAIMED = declare("workflow.request.claimed", _("Service request taken in charge"), history=(ROUTING,))
REQUEST_ASSIGNED = declare("workflow.request.assigned", _("Service request assigned"),
                           audience=HOLDERS, notice=ASSIGNED, history=(ROUTING,))
REQUEST_STARTED = declare("workflow.request.started", _("Work started on the service request"))
REQUEST_WAITING_CLIENT = declare("workflow.request.waiting_client", _("Service request waiting for the client"))
REQUEST_RESOLVED = declare("workflow.request.resolved", _("Service request resolved"),
                           audience=SENDER, notice=RESOLVED)
REQUEST_REOPENED = declare("workflow.request.reopened", _("Service request reopened"),
                           audience=HOLDERS, notice=REOPENED)
REQUEST_CLOSED = declare("workflow.request.closed", _("Service request closed"))
# Its holders stop working on it; its sender hears when someone else cancelled it.
REQUEST_CANCELLED = declare("workflow.request.cancelled", _("Service request cancelled"),
                            audience=Audience.HOLDERS_AND_SENDER, notice=CANCELLED)
REQUEST_TRANSFERRED = declare("workflow.request.transferred", _("Service request transferred to another team"),
                              audience=HOLDERS, notice=TRANSFERRED, history=(ROUTING,))
# Comments are a step, not an outcome: the sender reads them on the request's page.
REQUEST_COMMENTED = declare("workflow.request.commented", _("Comment on the service request"),
                            payload=CONTENT, audience=HOLDERS, notice=COMMENTED)
REQUEST_REQUALIFIED = declare("workflow.request.requalified", _("Service request requalified as a lead"),
                              audience=SENDER, notice=REQUALIFIED, history=(BECAME,))
REQUEST_REPEAT_CONTACT = declare("workflow.request.repeat_contact",
                                 _("The client called again about the service request"))
REQUEST_SLA_REMINDED = declare("workflow.request.sla_reminded", _("Service request past its target: reminder sent"),
                               audience=HOLDERS, notice=SLA_REMINDER)
REQUEST_SLA_ESCALATED = declare("workflow.request.sla_escalated",
                                _("Service request overdue: escalated to the managers"),
                                audience=MANAGERS, notice=SLA_ESCALATION)
REQUEST_CALLBACK_REMINDED = declare("workflow.request.callback_reminded", _("Callback due on the service request"),
                                    audience=HOLDERS, notice=CALLBACK_DUE)

# Leads: the product, the amounts, the comments and what a lead became are its confidential content;
# where it stands and with whom is the status that its sender and reception may follow.
LEAD_CREATED = declare("workflow.lead.created", _("Lead created"),
                       payload=CONTENT, audience=HOLDERS, notice=CREATED, history=(ROUTING,))
LEAD_ACCEPTED = declare("workflow.lead.accepted", _("Lead accepted"), payload=CONTENT, history=(POTENTIAL,))
LEAD_STARTED = declare("workflow.lead.started", _("Lead in progress"))
LEAD_WON = declare("workflow.lead.won", _("Lead won"), payload=CONTENT, audience=SENDER, notice=WON, history=(AMOUNT,))
LEAD_LOST = declare("workflow.lead.lost", _("Lead lost"), audience=SENDER, notice=LOST)
LEAD_REASSIGNED = declare("workflow.lead.reassigned", _("Lead reassigned"),
                          audience=HOLDERS, notice=REASSIGNED, history=(ROUTING,))
# A lead's comments are its content: its holders hear of them, never its sender.
LEAD_COMMENTED = declare("workflow.lead.commented", _("Comment on the lead"),
                         payload=CONTENT, audience=HOLDERS, notice=COMMENTED)
LEAD_REQUALIFIED = declare("workflow.lead.requalified", _("Lead requalified as a service request"),
                           payload=CONTENT, audience=SENDER, notice=REQUALIFIED, history=(BECAME,))
LEAD_SLA_REMINDED = declare("workflow.lead.sla_reminded", _("Lead past its target: reminder sent"),
                            audience=HOLDERS, notice=SLA_REMINDER)
LEAD_SLA_ESCALATED = declare("workflow.lead.sla_escalated", _("Lead overdue: escalated to the managers"),
                             audience=MANAGERS, notice=SLA_ESCALATION)
LEAD_CALLBACK_REMINDED = declare("workflow.lead.callback_reminded", _("Callback due on the lead"),
                                 audience=HOLDERS, notice=CALLBACK_DUE)
# fmt: on

# The administrator's workflow settings, on the national organisation chain.
CATEGORY_CREATED = declare("workflow.category.created", _("Category created"))
CATEGORY_UPDATED = declare("workflow.category.updated", _("Category changed"))
ROUTING_RULE_CREATED = declare("workflow.routing_rule.created", _("Routing rule created"))
ROUTING_RULE_UPDATED = declare("workflow.routing_rule.updated", _("Routing rule changed"))

# Handovers (accounts.handover, workflow/handover.py): an item given to a successor, or back to a
# queue, because its holder moved, left or was switched off, or its team closed. Its new holder hears
# who handed it over; when it goes to a queue, the queue's members read it as work in their queue.
HANDED_OVER = Notice("handed_over", _("%(actor)s handed %(item)s over to you"))
# fmt: off
REQUEST_HANDED_OVER = declare("workflow.request.handed_over", _("Service request handed over"),
                              audience=HOLDERS, notice=HANDED_OVER, history=(ROUTING,))
LEAD_HANDED_OVER = declare("workflow.lead.handed_over", _("Lead handed over"),
                           audience=HOLDERS, notice=HANDED_OVER, history=(ROUTING,))
# fmt: on

# An item leaves its team's queue when someone takes it or it goes to another team: what its queue was
# told of it ("new work in my team's queue") is no longer news (see `workflow.services.notifications`).
# A handover counts: a closing team's queued work goes to its successor team's queue.
LEAVES_THE_QUEUE = frozenset(
    {REQUEST_CLAIMED.action, REQUEST_ASSIGNED.action, REQUEST_TRANSFERRED.action, REQUEST_CANCELLED.action,
     REQUEST_REQUALIFIED.action, REQUEST_HANDED_OVER.action, LEAD_ACCEPTED.action, LEAD_REASSIGNED.action,
     LEAD_REQUALIFIED.action, LEAD_HANDED_OVER.action}
)  # fmt: skip

# An agency's business hours, on the agency's organisation chain.
AGENCY_CALENDAR_UPDATED = declare("workflow.agency_calendar.updated", _("Business hours changed"))

# Sales, their credits and disputes (issue 9; docs/attribution.md), on the client's chain. Payloads hold
# ids, codes, amounts and shares; the free-text reasons (cancellation, dispute, decision) stay on the rows.
# Attribution reads `sale.recorded` (what was sold, by whom, from which lead) and the credit sets' rows.
SALE_RECORDED = declare("workflow.sale.recorded", _("Sale recorded"))
SALE_CANCELLED = declare("workflow.sale.cancelled", _("Sale cancelled"))
CREDITS_ASSIGNED = declare("workflow.credits.assigned", _("Sale credited by the attribution rule"))
CREDITS_REVERSED = declare("workflow.credits.reversed", _("Sale credits reversed (sale cancelled)"))
DISPUTE_OPENED = declare("workflow.dispute.opened", _("Sale credits contested"))
DISPUTE_DECIDED = declare("workflow.dispute.decided", _("Dispute over sale credits decided"))

# Campaign call lists and portfolio potentials (issue 9). A campaign's own steps are on its marketing
# unit's chain (`region:{id}` or `national`); each call's outcome, and each potential, on the client's.
# A potential's reminder is a notification to its salesperson, written by workflow.services.potentials.
POTENTIAL_OVERDUE = Notice("potential_overdue", _("%(item)s is past its deadline: please explore it"))
# fmt: off
CAMPAIGN_CREATED = declare("workflow.campaign.created", _("Campaign defined"))
CAMPAIGN_LAUNCHED = declare("workflow.campaign.launched", _("Campaign launched: call list written"))
CAMPAIGN_CLOSED = declare("workflow.campaign.closed", _("Campaign closed"))
CAMPAIGN_CALLED = declare("workflow.campaign.called", _("Campaign call: outcome recorded"))
POTENTIAL_CREATED = declare("workflow.potential.created", _("Portfolio potential given to the salesperson"))
POTENTIALS_IMPORTED = declare("workflow.potential.imported", _("Portfolio potentials imported"))
POTENTIAL_EXPLORED = declare("workflow.potential.explored", _("Portfolio potential explored"))
POTENTIAL_REMINDED = declare("workflow.potential.reminded", _("Portfolio potential overdue: reminder sent"),
                             audience=HOLDERS, notice=POTENTIAL_OVERDUE)
# fmt: on
# Public intake (issue 7, finding 5): a message kept for an agent, on its agency's organisation chain;
# matched, on the chain of the client the agent chose. Payloads hold ids and codes, never what was typed.
INTAKE_RECEIVED = declare("workflow.intake.received", _("Message received from a public channel"))
INTAKE_MATCHED = declare("workflow.intake.matched", _("Public message matched to the client"))
INTAKE_DISMISSED = declare("workflow.intake.dismissed", _("Public message dismissed"))
