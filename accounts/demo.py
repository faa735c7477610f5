"""Demo data of the organisation: regions, agencies, one team of every kind, and the people who log in.

Everything goes through `accounts.services`, so groups, guardian rights and the trace are real.
`OrganisationDemo` is the state every demo step shares; each app above extends it with what it
builds, and `manage.py seed_demo` (the `demo` package, above the apps) runs their steps in layer order.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password

from accounts import services as org
from accounts.models import Agency, Region, Team, TeamKind, TeamScope, User
from accounts.rights import SYSTEM

SEED = 2026

DEMO_PASSWORD = "demo-relais-2026"  # noqa: S105 - printed on purpose: demo logins on a demo database

REGIONS = (("hdf", "Hauts-de-France"), ("paca", "Provence-Alpes-Côte d'Azur"))
AGENCIES = (("lille", "Lille", "hdf"), ("amiens", "Amiens", "hdf"), ("marseille", "Marseille", "paca"),
            ("nice", "Nice", "paca"))  # fmt: skip

# Which kinds of team exist at which level, and what the organisation calls them.
AGENCY_TEAMS = ((TeamKind.RECEPTION, "Accueil"), (TeamKind.SALES, "Commerciaux"), (TeamKind.MANAGEMENT, "Direction"))
REGION_TEAMS = ((TeamKind.TELESALES, "Télévente"), (TeamKind.SALES_ASSISTANCE, "Assistance commerciale"),
                (TeamKind.BILLING, "Facturation"), (TeamKind.AFTER_SALES, "SAV"),
                (TeamKind.MANAGEMENT, "Direction"))  # fmt: skip
NATIONAL_TEAMS = ((TeamKind.TELEMARKETING, "Télémarketing national"), (TeamKind.PRODUCTION, "Production"),
                  (TeamKind.MARKETING, "Marketing"), (TeamKind.MANAGEMENT, "Direction nationale"))  # fmt: skip

NATIONAL = "national"

# username, first name, last name, team (kind, unit code). README and the browser tests use these usernames.
PEOPLE = (
    ("reception_lille", "Camille", "Delattre", (TeamKind.RECEPTION, "lille")),
    ("reception_amiens", "Julien", "Carpentier", (TeamKind.RECEPTION, "amiens")),
    ("reception_marseille", "Inès", "Giraud", (TeamKind.RECEPTION, "marseille")),
    ("reception_nice", "Hugo", "Baron", (TeamKind.RECEPTION, "nice")),
    ("sales_lille", "Sophie", "Vandamme", (TeamKind.SALES, "lille")),
    ("sales_lille2", "Antoine", "Lemaire", (TeamKind.SALES, "lille")),
    ("sales_amiens", "Aurélie", "Caron", (TeamKind.SALES, "amiens")),
    ("sales_marseille", "Mehdi", "Vidal", (TeamKind.SALES, "marseille")),
    ("sales_nice", "Élodie", "Maillard", (TeamKind.SALES, "nice")),
    ("telesales_hdf", "Maxime", "Deschamps", (TeamKind.TELESALES, "hdf")),
    ("telesales_paca", "Léa", "Arnaud", (TeamKind.TELESALES, "paca")),
    ("telemarketing", "Karine", "Hoarau", (TeamKind.TELEMARKETING, NATIONAL)),
    ("billing_hdf", "Thierry", "Lambert", (TeamKind.BILLING, "hdf")),
    ("billing_paca", "Fatima", "Sanchez", (TeamKind.BILLING, "paca")),
    ("aftersales_hdf", "Romain", "Fontaine", (TeamKind.AFTER_SALES, "hdf")),
    ("aftersales_paca", "Pauline", "Renaud", (TeamKind.AFTER_SALES, "paca")),
    ("production", "Benoît", "Masson", (TeamKind.PRODUCTION, NATIONAL)),
    ("assistance_hdf", "Agnès", "Pelletier", (TeamKind.SALES_ASSISTANCE, "hdf")),
    ("assistance_paca", "Yannick", "Boyer", (TeamKind.SALES_ASSISTANCE, "paca")),
    ("marketing", "Chloé", "Marchand", (TeamKind.MARKETING, NATIONAL)),
    ("manager_lille", "Laurent", "Bourgeois", (TeamKind.MANAGEMENT, "lille")),
    ("manager_marseille", "Sandrine", "Brun", (TeamKind.MANAGEMENT, "marseille")),
    ("manager_hdf", "Isabelle", "Duval", (TeamKind.MANAGEMENT, "hdf")),
    ("manager_paca", "Olivier", "Colin", (TeamKind.MANAGEMENT, "paca")),
    ("manager_national", "François", "Lemoine", (TeamKind.MANAGEMENT, NATIONAL)),
)
ADMIN_USERNAME = "admin"
DEMO_USERNAMES = (ADMIN_USERNAME, *(username for username, *_ in PEOPLE))


@dataclass(kw_only=True)
class OrganisationDemo:
    """The seeded random source, the clock, what was counted, and the organisation built first."""

    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311 - demo data, not secrets
    counts: Counter = field(default_factory=Counter)
    password_hash: str = ""
    admin: User | None = None
    regions: dict[str, Region] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    # Keyed by (team kind, unit code), the unit being an agency code, a region code or "national".
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)


def seed_organisation(demo: OrganisationDemo) -> None:
    admin = _create_admin(demo)
    demo.admin = admin
    for code, name in REGIONS:
        demo.regions[code] = org.region_create(actor=admin, name=name, code=code)
    for code, name, region_code in AGENCIES:
        demo.agencies[code] = org.agency_create(actor=admin, name=name, code=code, region=demo.regions[region_code])
    _create_teams(demo, admin)
    _create_people(demo, admin)


def _create_admin(demo: OrganisationDemo) -> User:
    # Hashing once and sharing the hash keeps seeding fast (the production hasher takes ~0.3 s a call);
    # every demo login has the same, published password anyway.
    demo.password_hash = make_password(DEMO_PASSWORD)
    # No admin exists yet to create the first one: the system does, and everything else is done as them.
    admin = org.user_create(actor=SYSTEM, username=ADMIN_USERNAME, email="admin@relais.example",
                            first_name="Nathalie", last_name="Roux")  # fmt: skip
    # No service grants superuser status: it is a deployment decision, not an organisation change.
    admin.is_superuser = admin.is_staff = True
    admin.password = demo.password_hash
    admin.save(update_fields=["is_superuser", "is_staff", "password"])
    demo.people[ADMIN_USERNAME] = admin
    return admin


def _create_teams(demo: OrganisationDemo, admin: User) -> None:
    for agency in demo.agencies.values():
        for kind, label in AGENCY_TEAMS:
            demo.teams[(kind, agency.code)] = org.team_create(
                actor=admin, name=f"{label} {agency.name}", kind=kind, scope=TeamScope.AGENCY, agency=agency
            )
    for region in demo.regions.values():
        for kind, label in REGION_TEAMS:
            demo.teams[(kind, region.code)] = org.team_create(
                actor=admin, name=f"{label} {region.name}", kind=kind, scope=TeamScope.REGION, region=region
            )
    for kind, label in NATIONAL_TEAMS:
        demo.teams[(kind, NATIONAL)] = org.team_create(actor=admin, name=label, kind=kind, scope=TeamScope.NATIONAL)


def _create_people(demo: OrganisationDemo, admin: User) -> None:
    joined = demo.now - timedelta(days=3 * 365)
    for username, first_name, last_name, team_key in PEOPLE:
        user = org.user_create(actor=admin, username=username, first_name=first_name, last_name=last_name,
                               email=f"{username}@relais.example")  # fmt: skip
        User.objects.filter(pk=user.pk).update(password=demo.password_hash)
        user.password = demo.password_hash
        demo.people[username] = user
        if username == "manager_hdf":
            # History worth showing: she ran Amiens before taking the region; her old membership stays.
            amiens = org.membership_start(actor=admin, user=user, team=demo.teams[(TeamKind.MANAGEMENT, "amiens")],
                                          started_at=joined)  # fmt: skip
            org.membership_end(actor=admin, membership_id=amiens.pk, ended_at=demo.now - timedelta(days=240))
            org.membership_start(actor=admin, user=user, team=demo.teams[team_key],
                                 started_at=demo.now - timedelta(days=240))  # fmt: skip
        else:
            org.membership_start(actor=admin, user=user, team=demo.teams[team_key], started_at=joined)


def people_by_kind(demo: OrganisationDemo, agency: Agency) -> dict[str, list[tuple[User, Team]]]:
    """The demo people who work for `agency`, by the kind of team through which they do."""
    found: dict[str, list[tuple[User, Team]]] = {}
    for username, _first, _last, team_key in PEOPLE:
        team = demo.teams[team_key]
        if team.covers(agency):
            found.setdefault(team.kind, []).append((demo.people[username], team))
    return found


def login_rows(demo: OrganisationDemo) -> list[tuple[str, str, str]]:
    """(username, role, unit) for every demo login, for the command's closing table."""
    rows = [(ADMIN_USERNAME, "Administrator (superuser)", "—")]
    for username, _first, _last, team_key in PEOPLE:
        team = demo.teams[team_key]
        unit: Agency | Region | None = team.agency or team.region
        rows.append((username, str(team.get_kind_display()), str(unit) if unit else "National"))
    return rows


# The organisation's part of the demo, in order.
STEPS = (seed_organisation,)
