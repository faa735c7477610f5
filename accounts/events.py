"""The organisation's events (see `trace.catalogue`): what an administrator's changes read as in the trace.

Nobody is notified of them; their payloads carry ids and codes only.
"""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import declare

REGION_CREATED = declare("accounts.region.created", _("Region created"))
AGENCY_CREATED = declare("accounts.agency.created", _("Agency created"))
TEAM_CREATED = declare("accounts.team.created", _("Team created"))
USER_CREATED = declare("accounts.user.created", _("Person created"))
USER_UPDATED = declare("accounts.user.updated", _("Person changed"))
MEMBERSHIP_STARTED = declare("accounts.membership.started", _("Joined a team"))
MEMBERSHIP_ENDED = declare("accounts.membership.ended", _("Left a team"))
PERSON_REASSIGNED = declare("accounts.person.reassigned", _("Moved to another team"))
DELEGATE_GRANTED = declare("accounts.delegate.granted", _("Right granted to a delegate"))
DELEGATE_REVOKED = declare("accounts.delegate.revoked", _("Delegate's right taken back"))
