"""Building the demo: where it may be seeded, and every app's steps in layer order, all or nothing.

The steps build through the services, so groups, guardian rights, search columns, routing and the
trace are what real use would give.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Region, User
from crm import demo as crm_demo
from reporting import demo as reporting_demo
from workflow import demo as workflow_demo

# Lower layers first: each app's steps read what the apps below it built.
STEPS = (*accounts_demo.STEPS, *crm_demo.STEPS, *workflow_demo.STEPS, *reporting_demo.STEPS)


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
    return Region.objects.filter(code=accounts_demo.REGIONS[0][0]).exists()


def build_demo(*, clients: int = 500, interactions_per_client: int = 6) -> crm_demo.Demo:
    """Seed the whole demo in one transaction and return what was built."""
    check_environment()
    taken = sorted(User.objects.filter(username__in=accounts_demo.DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoRefused(f"These demo usernames already exist: {', '.join(taken)}. Seed an empty database.")
    # The top of the state: crm extends the organisation's, the workflow adds none of its own.
    demo = crm_demo.Demo(now=timezone.now(), clients_wanted=clients, interactions_per_client=interactions_per_client)
    with transaction.atomic():
        for step in STEPS:
            step(demo)
    return demo
