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
REGION_UPDATED = declare("accounts.region.updated", _("Region renamed"))
REGION_CLOSED = declare("accounts.region.closed", _("Region closed"))
AGENCY_UPDATED = declare("accounts.agency.updated", _("Agency renamed"))
AGENCY_CLOSED = declare("accounts.agency.closed", _("Agency closed"))
TEAM_UPDATED = declare("accounts.team.updated", _("Team renamed"))
# The payload names the team that took the closed team's open work, and how many items of each kind.
TEAM_CLOSED = declare("accounts.team.closed", _("Team closed"))
USER_DEACTIVATED = declare("accounts.user.deactivated", _("Person's access switched off"))
USER_REACTIVATED = declare("accounts.user.reactivated", _("Person's access switched on again"))
PASSWORD_RESET_SENT = declare("accounts.user.password_reset_sent", _("Password reset link sent"))
# What a person who moved, left a team or was switched off handed over, and to whom: per kind, the
# count and the successor's id (none: the queue). Each item's own chain records its part too.
PERSON_HANDED_OVER = declare("accounts.person.handed_over", _("Work and accounts handed over"))
