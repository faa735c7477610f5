"""What tests/system/test_embedded_concurrency.py adds to `seed_demo`: twenty members of one billing team.

Not a test module: the test runs `seed()` inside `manage.py shell` against its own temporary SQLite
file, before the server and the worker start, and reads back the JSON it writes.
"""

import json
from pathlib import Path

from accounts import services as org
from accounts.models import Team, TeamKind, User
from crm.models import Client

CLAIMERS = 20
# The demo's agencies, each with its reception login (accounts/demo.py).
AGENCY_CODES = ("lille", "amiens", "marseille", "nice")


def seed(out: str) -> None:
    admin = User.objects.get(username="admin")
    # Lille's billing requests go to the Hauts-de-France billing team (the demo's routing rules).
    billing = Team.objects.get(kind=TeamKind.BILLING, region__code="hdf")
    claimers = []
    for n in range(1, CLAIMERS + 1):
        user = org.user_create(actor=admin, username=f"claimer{n:02d}", email=f"claimer{n:02d}@relais.example")
        # The demo's password, hashed once by seed_demo: hashing it twenty times more costs seconds.
        User.objects.filter(pk=user.pk).update(password=admin.password)
        org.membership_start(actor=admin, user=user, team=billing)
        claimers.append(user.username)
    clients = {
        code: list(Client.objects.filter(agency__code=code).order_by("pk").values_list("pk", flat=True)[:10])
        for code in AGENCY_CODES
    }
    Path(out).write_text(json.dumps({"claimers": claimers, "billing_team": billing.pk, "clients": clients}))
