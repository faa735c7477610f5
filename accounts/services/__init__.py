"""Every write to the organisation, split by subject; import from here. Each one appends a trace event
on the unit's chain.

Every service checks its actor first (`require_org_admin`), whatever door calls it: an organisation
admin, or `SYSTEM` for commands that run outside any request (`seed_demo`). Every change of who holds
what calls `forget_rights()`, so rights read later in the same process are the new ones.

- `units`: regions, agencies and teams (create, rename, close);
- `people`: people (create, update, switch off and on, password link, own language);
- `memberships`: who is in which team (start, end, move), with the handover of what a person leaves;
- `delegates`: direct grants of an agency right to one person;
- `tokens`: API keys;
- `common`: what people and memberships share (the person's lock, the handover step).
"""

from accounts.services.delegates import delegate_grant, delegate_revoke
from accounts.services.memberships import (
    EARLIEST_DATE,
    MembershipChange,
    membership_end,
    membership_end_plan,
    membership_start,
    person_reassign,
    person_reassign_plan,
)
from accounts.services.people import (
    USER_EDITABLE_FIELDS,
    user_create,
    user_deactivate,
    user_deactivate_plan,
    user_reactivate,
    user_send_password_reset,
    user_set_language,
    user_update,
)
from accounts.services.tokens import api_token_issue
from accounts.services.units import (
    agency_close,
    agency_create,
    agency_update,
    region_close,
    region_create,
    region_update,
    team_close,
    team_close_plan,
    team_create,
    team_update,
)

__all__ = [
    "EARLIEST_DATE",
    "MembershipChange",
    "USER_EDITABLE_FIELDS",
    "agency_close",
    "agency_create",
    "agency_update",
    "api_token_issue",
    "delegate_grant",
    "delegate_revoke",
    "membership_end",
    "membership_end_plan",
    "membership_start",
    "person_reassign",
    "person_reassign_plan",
    "region_close",
    "region_create",
    "region_update",
    "team_close",
    "team_close_plan",
    "team_create",
    "team_update",
    "user_create",
    "user_deactivate",
    "user_deactivate_plan",
    "user_reactivate",
    "user_send_password_reset",
    "user_set_language",
    "user_update",
]
