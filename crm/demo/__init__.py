"""Demo data for `manage.py seed_demo`: a believable organisation and client record, built through the
services so that groups, guardian rights, search columns and the trace are what real use would give.

What is traced: everything made through the services (organisation, people, memberships, products,
clients, contacts), so `manage.py verify_trace` passes. Not traced, written with `bulk_create`: the
backdated timeline of interactions (see `timeline`) and the products clients hold (not events).
Deterministic for a given size: one `random.Random(2026)` drives every choice.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Region, User
from crm.demo.clients import seed_catalogue, seed_clients, seed_holdings
from crm.demo.organisation import DEMO_PASSWORD, DEMO_USERNAMES, REGIONS, login_rows, seed_organisation
from crm.demo.state import Demo
from crm.demo.timeline import seed_timeline

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "Demo",
    "DemoRefused",
    "build_demo",
    "check_environment",
    "demo_present",
    "login_rows",
]

DemoStep = Callable[[Demo], None]

# In order; each step reads what the earlier ones left on `Demo`.
STEPS: tuple[DemoStep, ...] = (seed_organisation, seed_catalogue, seed_clients, seed_timeline, seed_holdings)


class DemoRefused(Exception):
    """Seeding would be wrong here: a production database, or one that already has other data."""


def check_environment() -> None:
    """Refuse production: the production settings module, or any settings with DEBUG off except the tests'.

    Demo logins share a published password, so they must never reach a database real people use.
    """
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if module.endswith("production"):
        raise DemoRefused(f"Refusing to seed demo data with production settings ({module}).")
    if not settings.DEBUG and not module.endswith(".test"):
        raise DemoRefused(
            f"Refusing to seed demo data with DEBUG off ({module}): demo logins share a public password. "
            "Use the local settings (DJANGO_DEBUG=true) on a development database."
        )


def demo_present() -> bool:
    """The first demo region is the marker: the demo is seeded as one transaction, all or nothing."""
    return Region.objects.filter(code=REGIONS[0][0]).exists()


def build_demo(*, clients: int = 500, interactions_per_client: int = 6, later_steps: Iterable[DemoStep] = ()) -> Demo:
    """Seed the whole demo in one transaction and return what was built.

    `later_steps` run after the client record, inside the same transaction: features above crm
    (workflow, reporting) add their demo data there without crm importing them.
    """
    check_environment()
    taken = sorted(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoRefused(f"These demo usernames already exist: {', '.join(taken)}. Seed an empty database.")
    demo = Demo(now=timezone.now(), clients_wanted=clients, interactions_per_client=interactions_per_client)
    with transaction.atomic():
        for step in (*STEPS, *later_steps):
            step(demo)
    return demo
