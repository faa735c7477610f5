"""Benchmark: how long building the daily facts takes, fully and incrementally, as activity grows.

Two data sets: the demo organisation (`seed_demo`, 500 clients) with a month of activity played through
the workflow's services on a moving clock (about 40 actions a working day: leads sent, accepted, won or
lost, requalified; requests sent, claimed, transferred, resolved, called about again), and the same with
ten times the clients (the demo's 500 and plain ones) and ten times the activity. For each: the full rebuild (every day from the first
event to today), an incremental refresh after one more hour of activity, and a refresh with nothing new.

    .venv/bin/python bench/facts.py               # demo size
    .venv/bin/python bench/facts.py --scale 10    # ten times larger
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench .venv/bin/python bench/facts.py

It builds its own scratch database (a temporary SQLite file, or the PostgreSQL database named in
DATABASE_URL, which it empties first: never point it at real data). Target: the incremental refresh
that beat runs every 5 minutes stays under 10 s; the nightly full rebuild under 10 minutes.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from common.errors import DomainError  # noqa: E402
from crm.models import Client  # noqa: E402
from reporting.build import first_day, rebuild_all, refresh_incremental  # noqa: E402
from reporting.models import DailyFact, RefreshState  # noqa: E402
from trace.models import TraceEvent  # noqa: E402
from workflow import services as wf  # noqa: E402
from workflow.models import Category, Lead, ServiceRequest  # noqa: E402
from workflow.services import leads as lead_services  # noqa: E402

ACTIONS_PER_DAY = 40
TARGET_INCREMENTAL_S = 10
TARGET_FULL_S = 600


def build(scale: int) -> None:
    if connection.vendor == "postgresql":
        # `flush` cannot empty the trace (its table refuses TRUNCATE): start from an empty schema instead.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", clients=500, interactions_per_client=2, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The demo's word lists hold about a thousand distinct clients: the larger sets add plain ones, each
    # owned by a salesperson of its agency, as the demo's are.
    owners = {}
    for client in Client.objects.filter(account_owner__isnull=False).select_related("account_owner"):
        owners.setdefault(client.agency_id, client.account_owner_id)
    agencies = sorted(owners)
    Client.objects.bulk_create([
        Client(name=f"Client {n}", agency_id=agencies[n % len(agencies)], account_owner_id=owners[agencies[n % len(agencies)]],
               phone=f"03 20 {n // 10000:02d} {n // 100 % 100:02d} {n % 100:02d}", email=f"client{n}@example.com")
        for n in range(500 * (scale - 1))
    ], batch_size=1000)  # fmt: skip
    Category.objects.get_or_create(code="bench", defaults={"name": "Bench", "default_team_kind": "after_sales"})
    RefreshState.objects.all().delete()


def act(rng: random.Random, people: dict[str, User], clients: list[Client]) -> None:
    """One random action of someone of the demo organisation; refused ones (409, 400) are part of life."""
    client = rng.choice(clients)
    reception = people.get(f"reception_{client.agency.code}")
    choice = rng.randrange(8)
    try:
        if choice <= 1 and reception:
            lead_services.lead_create(sender=reception, client_id=client.pk, subject="Bench lead")
        elif choice <= 3 and reception:
            wf.service_request_create(sender=reception, client_id=client.pk, category="bench", subject="Bench",
                                      confirm=True, reason="Bench")  # fmt: skip
        elif choice == 4:
            lead = Lead.objects.filter(status__in=["new", "accepted"], assignee__isnull=False).order_by("?").first()
            if lead and lead.status == "new":
                lead_services.lead_accept(lead_id=lead.pk, user=lead.assignee, potential_amount="100", probability=50)
            elif lead:
                done = lead_services.lead_lost if rng.random() < 0.5 else lead_services.lead_start
                done(
                    lead_id=lead.pk,
                    user=lead.assignee,
                    **({"reason": "Bench"} if done is lead_services.lead_lost else {}),
                )
        else:
            request = ServiceRequest.objects.filter(status__in=["new", "assigned"]).order_by("?").first()
            region = request.client.agency.region.code if request else None
            worker = people.get(f"aftersales_{region}")
            if request and worker and request.status == "new":
                wf.service_request_claim(request_id=request.pk, user=worker)
            elif request and worker:
                if rng.random() < 0.2:
                    wf.service_request_repeat_contact(
                        request_id=request.pk, user=people[f"reception_{request.client.agency.code}"]
                    )
                wf.service_request_resolve(request_id=request.pk, user=worker, resolution="Done")
    except DomainError:
        pass


def play(rng, start, days: int, per_day: int) -> None:
    people = {user.username: user for user in User.objects.all()}
    clients = list(Client.objects.select_related("agency"))
    for day in range(days):
        moment = start + timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        for index in range(per_day):
            with time_machine.travel(
                moment + timedelta(minutes=10 * index / max(1, per_day // ACTIONS_PER_DAY)), tick=False
            ):
                act(rng, people, clients)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(10)  # noqa: S311 - benchmark data
    started = time.monotonic()
    build(args.scale)
    # The month before now, on working days from 09:00.
    first = (timezone.now() - timedelta(days=args.days)).replace(hour=8, minute=0, second=0, microsecond=0)
    play(rng, first, args.days, ACTIONS_PER_DAY * args.scale)
    built_in = time.monotonic() - started
    events = TraceEvent.objects.count()

    clock = time.monotonic()
    rebuild_all()
    full_s = time.monotonic() - clock
    full_days = (timezone.localdate() - first_day()).days + 1
    facts = DailyFact.objects.count()

    # One more hour of activity (about a sixth of a day's) after the rebuild, then the refresh beat would run.
    # The refresh before it ran at `later`: what the watermark says (beat runs every 5 minutes).
    later = timezone.now() + timedelta(minutes=15)
    RefreshState.objects.update(watermark=later)
    play(rng, later, 1, max(1, ACTIONS_PER_DAY * args.scale // 6))
    with time_machine.travel(later + timedelta(hours=1, minutes=30)):
        clock = time.monotonic()
        days = refresh_incremental()
        incremental_s = time.monotonic() - clock
        clock = time.monotonic()
        refresh_incremental()
        idle_s = time.monotonic() - clock

    results = {
        "vendor": connection.vendor, "scale": args.scale, "clients": Client.objects.count(), "trace_events": events,
        "leads": Lead.objects.count(), "requests": ServiceRequest.objects.count(), "facts": facts,
        "days_rebuilt_in_full": full_days,
        "full_rebuild_s": round(full_s, 2), "incremental_days": len(days), "incremental_refresh_s": round(incremental_s, 2),
        "idle_refresh_s": round(idle_s, 2), "data_built_in_s": round(built_in, 1),
        "targets_s": {"incremental": TARGET_INCREMENTAL_S, "full": TARGET_FULL_S},
    }  # fmt: skip
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results" / f"facts-{connection.vendor}-x{args.scale}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    if incremental_s > TARGET_INCREMENTAL_S or full_s > TARGET_FULL_S:
        sys.exit("Slower than the targets.")


if __name__ == "__main__":
    main()
