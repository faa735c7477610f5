"""What the demo steps share: the seeded random source, the clock, and what earlier steps built."""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from accounts.models import Agency, Region, Team, User
from crm.models import Client, Product

SEED = 2026


@dataclass
class Demo:
    now: datetime
    clients_wanted: int
    interactions_per_client: int
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311 - demo data, not secrets
    password_hash: str = ""
    admin: User | None = None
    regions: dict[str, Region] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    # Keyed by (team kind, unit code), the unit being an agency code, a region code or "national".
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)
    # Contact ids per client id, for interactions that name who called.
    contacts: dict[int, list[int]] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
