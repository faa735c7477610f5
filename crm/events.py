"""The client record's events (see `trace.catalogue`). Nobody is notified of them.

Payloads carry ids and codes only (fields' names, never their values): erasing a person's data
(`crm.privacy`) never has to touch the trace.
"""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import declare

CLIENT_CREATED = declare("crm.client.created", _("Client record created"))
CLIENT_UPDATED = declare("crm.client.updated", _("Client record changed"))
# Who owns the account changed: `from` and `to` are people's ids, `reason` is `set` (a manager or an
# admin named them) or `agency_moved` (the client moved to an agency the owner does not cover).
CLIENT_OWNER_CHANGED = declare("crm.client.owner_changed", _("Account owner changed"))
CONTACT_CREATED = declare("crm.contact.created", _("Contact added"))
CONTACT_UPDATED = declare("crm.contact.updated", _("Contact changed"))
# Personal data (GDPR): everything held about a contact handed out, and a contact erased. By id only.
CONTACT_EXPORTED = declare("crm.contact.exported", _("Contact's personal data exported"))
CONTACT_ERASED = declare("crm.contact.erased", _("Contact erased"))
INTERACTION_LOGGED = declare("crm.interaction.logged", _("Contact logged"))
PRODUCT_CREATED = declare("crm.product.created", _("Product created"))
PRODUCT_UPDATED = declare("crm.product.updated", _("Product changed"))
# An account given to a successor (or to nobody) when its owner moved, left or was switched off; the
# payload is an owner change's (`from`, `to`: none for no owner, `agency`, `reason: handover`, `version`).
CLIENT_ACCOUNT_HANDED_OVER = declare("crm.client.account_handed_over", _("Account handed over"))
# A salesperson's or telesales agent's proposal (client, product family): what sales attribution looks
# for besides leads (docs/attribution.md). Its payload carries the family and ids, never the notes.
PROPOSAL_RECORDED = declare("crm.proposal.recorded", _("Proposal recorded"))
