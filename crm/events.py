"""The client record's events (see `trace.catalogue`). Nobody is notified of them."""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import declare

CLIENT_CREATED = declare("crm.client.created", _("Client record created"))
CLIENT_UPDATED = declare("crm.client.updated", _("Client record changed"))
CONTACT_CREATED = declare("crm.contact.created", _("Contact added"))
CONTACT_UPDATED = declare("crm.contact.updated", _("Contact changed"))
INTERACTION_LOGGED = declare("crm.interaction.logged", _("Contact logged"))
PRODUCT_CREATED = declare("crm.product.created", _("Product created"))
PRODUCT_UPDATED = declare("crm.product.updated", _("Product changed"))
# An account given to a successor (or to nobody) when its owner moved, left or was switched off; the
# payload names the former and the new owner (none: no owner).
CLIENT_ACCOUNT_HANDED_OVER = declare("crm.client.account_handed_over", _("Account handed over"))
