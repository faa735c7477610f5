"""What the client record's demo steps share: the organisation's state, plus the catalogue and clients."""

from dataclasses import dataclass, field

from accounts.demo import OrganisationDemo
from crm.models import Client, Product


@dataclass(kw_only=True)
class Demo(OrganisationDemo):
    clients_wanted: int
    interactions_per_client: int
    products: dict[str, Product] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)
    # Contact ids per client id, for interactions that name who called.
    contacts: dict[int, list[int]] = field(default_factory=dict)
