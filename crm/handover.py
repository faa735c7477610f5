"""The client record's part of a handover (`accounts.handover`): the accounts a person owns.

An account owner is a salesperson covering the client's agency (DESIGN.md section 5). When the owner
moves, leaves or is switched off, each account of an agency they will no longer cover goes to the
named successor, who must cover it, or to nobody: a client without an owner falls to the sales team
of its agency when a lead arrives (`workflow.routing`).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rights
from accounts.handover import Contributor, register
from accounts.models import Agency, User
from accounts.rights import Coverage
from crm.models import Client
from crm.services import client_accounts_hand_over


def accounts_held(person: User, coverage: Coverage):
    """The clients `person` owns in the agencies where they will no longer work leads."""
    return Client.objects.filter(account_owner=person).exclude(agency_id__in=coverage.agencies(rights.WORK_LEADS))


def successor_refusal(held, successor: User | None) -> str:
    if successor is None:
        return ""
    covered = rights.agencies_where(successor, rights.WORK_LEADS)
    missing = Agency.objects.filter(pk__in=held.values("agency_id")).exclude(pk__in=covered).order_by("name")
    if missing:
        return _("%(person)s is no salesperson of %(agencies)s.") % {
            "person": successor,
            "agencies": ", ".join(agency.name for agency in missing),
        }
    return ""


def successor_candidates(held):
    """The active salespeople of every agency of these accounts."""
    people = User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")
    for agency_id in set(held.values_list("agency_id", flat=True)):
        people = people.filter(pk__in=rights.people_holding(perm=rights.WORK_LEADS, agency_id=agency_id).values("pk"))
    return people


def hand_over_accounts(*, actor, person: User, held, successor: User | None) -> int:
    """Give each account to the successor (or to nobody) through the client record's own service, so the
    owner rules, the version and the trace are those of any owner change (`crm.services`)."""
    return client_accounts_hand_over(actor=actor, owner=person, clients=held, successor=successor)


register(
    Contributor(
        key="accounts",
        label=gettext_lazy("Accounts owned"),
        queue_label=gettext_lazy("No owner: new leads go to the sales team of the client's agency"),
        order=30,
        held=accounts_held,
        refusal=successor_refusal,
        hand_over=hand_over_accounts,
        candidates=successor_candidates,
    )
)
