"""Demo data of the client record: the product catalogue, clients with their contacts, a year of
contacts with them, and what they hold. `manage.py seed_demo` runs `STEPS` after the organisation's.

What is traced: everything made through the services (products, clients, contacts), so
`manage.py verify_trace` passes. Not traced, written with `bulk_create`: the backdated timeline of
interactions (see `timeline`) and the products clients hold (not events). Deterministic for a given
size: the demo's one `random.Random` drives every choice.
"""

from crm.demo.clients import seed_catalogue, seed_clients, seed_holdings
from crm.demo.state import Demo
from crm.demo.timeline import seed_timeline

__all__ = ["STEPS", "Demo"]

# In order; each step reads what the earlier ones left on `Demo`.
STEPS = (seed_catalogue, seed_clients, seed_timeline, seed_holdings)
