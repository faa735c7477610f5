"""Handover: who takes a person's open work and accounts when the person moves, leaves a team or is
switched off, and where a closing team's queue goes (DESIGN.md section 5, issue 8 item 2).

The work belongs to apps above this one (service requests and leads to `workflow`, accounts to
`crm`), which `accounts` may not import. So each of them contributes what it owns, as a
`Contributor` registered from its own `handover` module (found at start-up by
`accounts.apps.AccountsConfig.ready`, as Django's admin finds `admin` modules):

- `held(person, coverage)`: what the person holds that they will no longer cover after the change
  (`coverage` is what they will hold then, `accounts.rights.coverage_after`);
- `refusal(held, successor)`: why the successor (None: the queue) cannot take all of it (a sentence),
  or "" when they can;
- `hand_over(actor, person, held, successor)`: give it to the successor, or to the queue when the
  successor is None; traced by the contributing app on its own records;
- optionally `team_held(team)` and `team_hand_over(actor, team, held, successor_team)` for the open
  work queued on a team that closes.

The services of `accounts` call them inside their own transaction, after locking the person, so the
move and the handover are one step that happens entirely or not at all. The same functions build the
plan that the pages and the API show before anything is confirmed (`plan`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.rights import Coverage
from common.errors import InvalidInput


@dataclass(frozen=True)
class Contributor:
    """One kind of thing a person holds, contributed by the app that owns it."""

    key: str  # the name of the kind in the API and the forms: "requests", "leads", "accounts"
    label: Promise  # e.g. "Open leads held"
    queue_label: Promise  # where they go without a successor, e.g. "the sales team of the client's agency"
    order: int
    held: Callable[[User, Coverage], QuerySet]
    refusal: Callable[[QuerySet, User | None], str]
    hand_over: Callable[..., int]
    # The active people who could take every item of `held` (a choice list's options).
    candidates: Callable[[QuerySet], QuerySet]
    team_held: Callable[[Team], QuerySet] | None = None
    # Raises InvalidInput naming `successor_team` when that team cannot take every item.
    team_hand_over: Callable[..., int] | None = None


_CONTRIBUTORS: dict[str, Contributor] = {}


def register(contributor: Contributor) -> Contributor:
    """Add a kind to every handover; called once per kind by the owning app's `handover` module."""
    known = _CONTRIBUTORS.get(contributor.key)
    if known is not None and known != contributor:
        raise ValueError(f"Two handover contributors are called {contributor.key!r}.")
    _CONTRIBUTORS[contributor.key] = contributor
    return contributor


def contributors() -> list[Contributor]:
    return sorted(_CONTRIBUTORS.values(), key=lambda contributor: (contributor.order, contributor.key))


def kinds() -> list[str]:
    return [contributor.key for contributor in contributors()]


@dataclass
class Line:
    """One kind of the handover: how many, and who takes them (None: the queue)."""

    key: str
    label: str
    count: int
    successor: User | None
    queue_label: str
    candidates: list[User] = field(default_factory=list)

    @property
    def target(self) -> str:
        return str(self.successor) if self.successor is not None else self.queue_label

    def as_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "to": "person" if self.successor is not None else "queue",
            "successor": self.successor.pk if self.successor is not None else None,
            "target": self.target,
        }


@dataclass
class Plan:
    """What a handover gives to whom, shown before it is confirmed and answered after it is done."""

    person: User | None
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)

    def as_dict(self) -> dict[str, Any]:
        return {line.key: line.as_dict() for line in self.lines}

    def trace_payload(self) -> dict[str, Any]:
        """Ids and counts only: what the trace keeps of it."""
        return {
            line.key: {"count": line.count, "to": line.successor.pk if line.successor else None} for line in self.lines
        }


def check_successors(successors: Mapping[str, User | None] | None) -> dict[str, User | None]:
    """The successor asked for each kind (None: the queue); an unknown kind is a 400 naming it."""
    successors = dict(successors or {})
    unknown = sorted(set(successors) - set(kinds()))
    if unknown:
        raise InvalidInput({"handover": {key: [_("Nothing of this kind is handed over.")] for key in unknown}})
    return {key: successors.get(key) for key in kinds()}


def _successor_error(key: str, message: str) -> InvalidInput:
    return InvalidInput({"handover": {key: [message]}}, message=message)


def person_plan(
    *, person: User, coverage: Coverage, successors: Mapping[str, User | None] | None, with_candidates: bool = False
) -> tuple[Plan, dict[str, QuerySet]]:
    """The plan for what `person` will no longer cover, and the querysets behind each line.

    A successor who is the person themself, switched off, or who cannot take every item of the kind
    (the contributor says why) is a 400 naming the kind. `with_candidates` lists, for each kind held,
    who could take it all (for the page's choice lists).
    """
    chosen = check_successors(successors)
    plan, held_by_kind = Plan(person=person), {}
    for contributor in contributors():
        held = contributor.held(person, coverage)
        successor = chosen[contributor.key]
        count = held.count()
        if successor is not None and (successor.pk == person.pk or not successor.is_active):
            raise _successor_error(contributor.key, _("Choose an active person other than the one who leaves."))
        refusal = contributor.refusal(held, successor) if count else ""
        if refusal:
            raise _successor_error(contributor.key, refusal)
        plan.lines.append(
            Line(
                key=contributor.key,
                label=str(contributor.label),
                count=count,
                successor=successor,
                queue_label=str(contributor.queue_label),
                candidates=list(contributor.candidates(held).exclude(pk=person.pk))
                if with_candidates and count
                else [],
            )
        )
        held_by_kind[contributor.key] = held
    return plan, held_by_kind


def person_hand_over(*, actor: Any, plan: Plan, held_by_kind: Mapping[str, QuerySet]) -> None:
    """Carry out a plan from `person_plan`, inside the caller's transaction."""
    by_key = {contributor.key: contributor for contributor in contributors()}
    for line in plan.lines:
        if line.count:
            by_key[line.key].hand_over(
                actor=actor, person=plan.person, held=held_by_kind[line.key], successor=line.successor
            )


def team_plan(*, team: Team, successor_team: Team | None) -> tuple[Plan, dict[str, QuerySet]]:
    """The open work queued on a team, per kind: what closing it hands over to `successor_team`."""
    plan, held_by_kind = Plan(person=None), {}
    for contributor in contributors():
        if contributor.team_held is None:
            continue
        held = contributor.team_held(team)
        plan.lines.append(
            Line(
                key=contributor.key,
                label=str(contributor.label),
                count=held.count(),
                successor=None,
                queue_label=successor_team.name if successor_team is not None else "",
            )
        )
        held_by_kind[contributor.key] = held
    return plan, held_by_kind


def team_hand_over(*, actor: Any, team: Team, successor_team: Team, held_by_kind: Mapping[str, QuerySet]) -> None:
    by_key = {contributor.key: contributor for contributor in contributors()}
    for key, held in held_by_kind.items():
        hand_over = by_key[key].team_hand_over
        if hand_over is not None:
            hand_over(actor=actor, team=team, held=held, successor_team=successor_team)
