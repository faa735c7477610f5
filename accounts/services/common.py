"""What the people and membership services share: the person locked for the transaction, and the
handover of what a person will no longer cover (`accounts.handover`), traced on the unit's chain."""

from collections.abc import Mapping

from accounts import events, handover
from accounts.handover import Plan
from accounts.models import User
from accounts.rights import Coverage, SystemActor
from common.errors import NotFound
from trace.services import org_chain, trace_append


def lock_person(user_id: int) -> User:
    """The person, locked for the transaction: moves, exits and switches of one person happen one at a time."""
    person = User.objects.select_for_update().filter(pk=user_id).first()
    if person is None:
        raise NotFound()
    return person


def hand_over(
    *,
    actor: User | SystemActor,
    person: User,
    coverage: Coverage,
    successors: Mapping[str, User | None] | None,
    reason: str,
    chain: str,
) -> Plan:
    """Give what `person` will no longer cover to the successors (or the queues), traced; the plan done."""
    plan, held = handover.person_plan(person=person, coverage=coverage, successors=successors)
    if plan.total:
        handover.person_hand_over(actor=actor, plan=plan, held_by_kind=held)
        trace_append(
            actor=actor,
            action=events.PERSON_HANDED_OVER,
            obj=person,
            chain=org_chain(chain),
            payload={"user": person.pk, "reason": reason, **plan.trace_payload()},
        )
    return plan
