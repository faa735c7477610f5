"""The two kinds of routed item, each described once: what the shared mechanics need to know of it.

Services (`workflow.services.items`), pages (`workflow.views.items`) and the API (`workflow.api.items`)
handle a service request and a lead with the same code, reading what differs from `REQUEST` and
`LEAD` below. The rules that truly differ keep their own rooms, which these point to:

- who may read it: `workflow.selectors` (a lead's content is confidential, its status is not);
- who may act: `workflow.policy`; what its status allows: `workflow.transitions`;
- its own inputs: its services (`workflow.services.requests`, `.leads`) and its pages' forms.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import rights
from accounts.models import User
from workflow import policy, selectors
from workflow.models import ItemKind, Lead, RequestStatus, ServiceRequest
from workflow.transitions import LEAD_TRANSITIONS, REQUEST_TRANSITIONS, Transitions

Item = ServiceRequest | Lead


@dataclass(frozen=True)
class Kind:
    """What the shared mechanics need to know of one kind of item."""

    # How the code names one item of the kind: `request_id=` and `request=` in the services and the
    # policy, `workflow.request.*` in the trace, `request-12` as a list row's id.
    name: str
    counterpart: str  # the name of the kind it is requalified into, and from
    model: type[ServiceRequest] | type[Lead]
    routing: str  # the `ItemKind` routing rules are written for
    transitions: Transitions
    # Whose content the user may read (an item out of it answers 404), what a page of it joins, and
    # what an action on it joins to the row it locks.
    readable: Callable[..., QuerySet]
    relations: tuple[str, ...]
    locked_relations: tuple[str, ...]
    # Who may take an action (PermissionDenied), and which ones a page offers.
    permission_check: Callable[..., None]
    offered_actions: Callable[..., list[str]]
    create_right: str
    create_refusal: Promise
    # A new item routed straight to a person starts in this status (None: it keeps its default).
    held_status: str | None
    # Whether a comment by the holder is the first response (for a lead, accepting it is).
    comment_answers: bool
    # What the trace of its creation says of it, besides its routing.
    created_facts: Callable[[Any], dict[str, Any]]
    detail_url: str
    action_url: str
    list_url: str  # where its holders work: the queue, the inbox
    # Those who may not read it but may follow it (a lead's sender, reception) see its status page.
    followable: Callable[..., QuerySet] | None = None
    status_url: str | None = None

    def get(self, *, user: User, item_id: int | str) -> Item:
        """The item with what its page and its answers show, if the user may read it; else NotFound."""
        return selectors.one(self.readable(user=user).select_related(*self.relations), item_id)

    def require(self, *, user: User, item: Item, action: str) -> None:
        self.permission_check(user=user, action=action, **{self.name: item})

    def actions_for(self, *, user: User, item: Item) -> list[str]:
        return self.offered_actions(user=user, **{self.name: item})

    def call(self, service: Callable[..., Any], *, item_id: int, user: User, by: str = "user", **inputs: Any) -> Any:
        """Call one of the kind's action services: they name the item `<name>_id=` and the person `by=`."""
        return service(**{f"{self.name}_id": item_id, by: user}, **inputs)


REQUEST = Kind(
    name="request",
    counterpart="lead",
    model=ServiceRequest,
    routing=ItemKind.SERVICE_REQUEST,
    transitions=REQUEST_TRANSITIONS,
    readable=selectors.requests_visible,
    relations=selectors.REQUEST_RELATIONS,
    locked_relations=("client", "client__agency", "category"),
    permission_check=policy.require_request_action,
    offered_actions=policy.request_actions_for,
    create_right=rights.CREATE_REQUESTS,
    create_refusal=_("You cannot create service requests for this client."),
    held_status=RequestStatus.ASSIGNED,
    comment_answers=True,
    created_facts=lambda request: {
        "category": request.category.code,
        **({"opened_despite": request.opened_despite_id} if request.opened_despite_id else {}),
    },
    detail_url="workflow:request-detail",
    action_url="workflow:request-action",
    list_url="workflow:queue",
)

LEAD = Kind(
    name="lead",
    counterpart="request",
    model=Lead,
    routing=ItemKind.LEAD,
    transitions=LEAD_TRANSITIONS,
    readable=selectors.leads_visible,
    relations=selectors.LEAD_RELATIONS,
    locked_relations=("client", "client__agency"),
    permission_check=policy.require_lead_action,
    offered_actions=policy.lead_actions_for,
    create_right=rights.CREATE_LEADS,
    create_refusal=_("You cannot create leads for this client."),
    held_status=None,  # routed to its salesperson, a lead still waits to be accepted
    comment_answers=False,
    created_facts=lambda lead: {"product": lead.product_id},
    detail_url="workflow:lead-detail",
    action_url="workflow:lead-action",
    list_url="workflow:inbox",
    followable=selectors.leads_status_visible,
    status_url="workflow:lead-status",
)


def kind_of(item: Item) -> Kind:
    return REQUEST if isinstance(item, ServiceRequest) else LEAD
