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
CREATED = Notice("created", _("New %(item)s for you"))
CLAIMED = Notice("claimed", _("%(item)s was taken in charge"))
ASSIGNED = Notice("assigned", _("%(item)s was assigned to you"))
TRANSFERRED = Notice("transferred", _("%(item)s was transferred to your team"))
WAITING_CLIENT = Notice("waiting_client", _("%(item)s is waiting for the client"))
RESOLVED = Notice("resolved", _("%(item)s was resolved"))
REOPENED = Notice("reopened", _("%(item)s was reopened"))
CANCELLED = Notice("cancelled", _("%(item)s was cancelled"))
REQUALIFIED = Notice("requalified", _("%(item)s was requalified"))
COMMENTED = Notice("commented", _("New comment on %(item)s"))
ACCEPTED = Notice("accepted", _("%(item)s was accepted"))
WON = Notice("won", _("%(item)s was won"))
LOST = Notice("lost", _("%(item)s was lost"))
REASSIGNED = Notice("reassigned", _("%(item)s was reassigned to you"))
SLA_REMINDER = Notice("sla_reminder", _("%(item)s is past its target: please act"))
SLA_ESCALATION = Notice("sla_escalation", _("%(item)s is overdue and escalated to you"))
CALLBACK_DUE = Notice("callback_due", _("Time to call the client back about %(item)s"))

HOLDERS, SENDER, MANAGERS = Audience.HOLDERS, Audience.SENDER, Audience.MANAGERS
CONTENT = Payload.CONTENT

# fmt: off
# Service requests: seen in full by whoever sees the client, so their payloads are never hidden.
REQUEST_CREATED = declare("workflow.request.created", _("Service request created"),
                          payload=CONTENT, audience=HOLDERS, notice=CREATED, history=(ROUTING,))
REQUEST_CLAIMED = declare("workflow.request.claimed", _("Service request taken in charge"),
                          audience=SENDER, notice=CLAIMED, history=(ROUTING,))
REQUEST_ASSIGNED = declare("workflow.request.assigned", _("Service request assigned"),
                           audience=HOLDERS, notice=ASSIGNED, history=(ROUTING,))
REQUEST_STARTED = declare("workflow.request.started", _("Work started on the service request"))
REQUEST_WAITING_CLIENT = declare("workflow.request.waiting_client", _("Service request waiting for the client"),
                                 audience=SENDER, notice=WAITING_CLIENT)
REQUEST_RESOLVED = declare("workflow.request.resolved", _("Service request resolved"),
                           audience=SENDER, notice=RESOLVED)
REQUEST_REOPENED = declare("workflow.request.reopened", _("Service request reopened"),
                           audience=HOLDERS, notice=REOPENED)
REQUEST_CLOSED = declare("workflow.request.closed", _("Service request closed"))
REQUEST_CANCELLED = declare("workflow.request.cancelled", _("Service request cancelled"),
                            audience=SENDER, notice=CANCELLED)
REQUEST_TRANSFERRED = declare("workflow.request.transferred", _("Service request transferred to another team"),
                              audience=HOLDERS, notice=TRANSFERRED, history=(ROUTING,))
REQUEST_COMMENTED = declare("workflow.request.commented", _("Comment on the service request"),
                            payload=CONTENT, audience=Audience.HOLDERS_AND_SENDER, notice=COMMENTED)
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
LEAD_ACCEPTED = declare("workflow.lead.accepted", _("Lead accepted"),
                        payload=CONTENT, audience=SENDER, notice=ACCEPTED, history=(POTENTIAL,))
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
# An agency's business hours, on the agency's organisation chain.
AGENCY_CALENDAR_UPDATED = declare("workflow.agency_calendar.updated", _("Business hours changed"))
