"""Benchmark: how fast a reception agent finds a client as the client base grows.

Target (issue 2): any client of the agent's agencies found in under a second. Run it on both
databases; results are printed and written to bench/results/search-<vendor>-<n>.json.

    .venv/bin/python bench/search.py --clients 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relais_bench .venv/bin/python bench/search.py --clients 50000

It builds its own scratch database (a temporary SQLite file, or the PostgreSQL database named in
DATABASE_URL, which it empties first: never point it at real data).
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from crm.models import Client  # noqa: E402
from crm.search import normalise_phone, normalise_text  # noqa: E402
from crm.selectors import client_lookup_phone, client_search  # noqa: E402

FIRST = ["Boulangerie", "Garage", "Pharmacie", "Cabinet", "Transports", "Menuiserie", "Hôtel", "Restaurant",
         "Imprimerie", "Fromagerie", "Librairie", "Plomberie", "Agence", "Atelier", "Clinique", "Domaine"]  # fmt: skip
SECOND = ["Dupont", "Lefèvre", "Martin", "Bernard", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Mercier",
          "Blanc", "Guerin", "Muller", "Henry", "Rousseau", "Faure", "Andre", "Chevalier", "Lambert", "Bonnet"]  # fmt: skip
SYLLABLES = ["ker", "va", "dec", "mo", "ril", "lon", "ba", "ret", "tou", "lan", "gui", "nez", "sal", "vi", "ro",
             "mar", "chand", "bel", "fon", "ta", "nier", "du", "cas", "par", "lis", "cor", "vet", "pi", "gnol", "leu"]  # fmt: skip


def surname(rng: random.Random) -> str:
    """A made-up surname ("Kervadec"), so that names are as varied as a real client base."""
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def build(n: int, rng: random.Random) -> User:
    call_command("flush", "--noinput", verbosity=0) if connection.vendor == "postgresql" else None
    call_command("migrate", "--noinput", verbosity=0)
    from accounts.models import Agency
    from accounts.rights import SYSTEM
    from accounts.services import agency_create, membership_start, region_create, team_create, user_create

    region = region_create(actor=SYSTEM, name="Bench", code="bench")
    agencies = [agency_create(actor=SYSTEM, name=f"Agency {i}", code=f"a{i}", region=region) for i in range(10)]
    team = team_create(actor=SYSTEM, name="Reception 0", kind="reception", scope="agency", agency=agencies[0])
    agent = user_create(actor=SYSTEM, username="bench_reception")
    membership_start(actor=SYSTEM, user=agent, team=team)
    rows = []
    for i in range(n):
        name = f"{rng.choice(FIRST)} {surname(rng)} {rng.choice(SECOND)}"
        phone = f"0{rng.randint(1, 5)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {i % 100:02d}"
        rows.append(Client(name=name, agency=agencies[i % len(agencies)], phone=phone, email=f"c{i}@example.fr",
                           search_names=normalise_text(name), search_phones=normalise_phone(phone),
                           search_emails=f"c{i}@example.fr"))  # fmt: skip
    Client.objects.bulk_create(rows, batch_size=2000)
    assert Agency.objects.count() == 10
    return agent


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(2026)  # noqa: S311 - benchmark data
    started = time.perf_counter()
    agent = build(args.clients, rng)
    built = time.perf_counter() - started
    target = Client.objects.filter(agency__code="a0").order_by("pk")[args.clients // 20]
    words = target.name.split()
    typo = f"{words[0]} {words[1][:3]}{words[1][4:]}"  # the activity and the surname, a letter dropped
    queries = {
        "misspelt name": lambda: list(client_search(user=User.objects.get(pk=agent.pk), q=typo)),
        "phone with +33": lambda: list(
            client_search(user=User.objects.get(pk=agent.pk), q="+33 " + target.phone[1:])
        ),  # fmt: skip
        "caller-ID lookup": lambda: list(client_lookup_phone(user=User.objects.get(pk=agent.pk), phone=target.phone)),
    }
    results = {"vendor": connection.vendor, "clients": args.clients, "clients_in_scope": args.clients // 10,
               "build_seconds": round(built, 1), "target_ms": 1000, "queries": {}}  # fmt: skip
    for label, run in queries.items():
        found = run()  # also warms up caches and the SQLite function
        assert target in found, f"{label}: {target.name!r} not found"
        samples = sorted(timed(run, args.repeat))
        results["queries"][label] = {
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 1),
            "max_ms": round(samples[-1], 1),
        }
    print(json.dumps(results, indent=2))
    out = ROOT / "bench" / "results" / f"search-{connection.vendor}-{args.clients}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    slow = [label for label, r in results["queries"].items() if r["p95_ms"] > results["target_ms"]]
    if slow:
        sys.exit(f"Slower than {results['target_ms']} ms at p95: {', '.join(slow)}")


if __name__ == "__main__":
    main()
