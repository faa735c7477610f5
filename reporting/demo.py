"""Demo data of reporting: a year of daily facts behind the demo organisation, objectives for the current
quarter and month split down to the salespeople, and a few alerts (open, acknowledged, resolved).

The facts of the past year are generated directly (fast), not replayed as a year of events: each day
gets believable counts per salesperson, team and agency, with a weekly rhythm and a slow trend. The
days from the first real record on (the demo's sales go back a few months; its leads and requests are
of today) are built from the sources like any day, so the nightly full rebuild, which starts at the
first record, keeps the generated past as it is and rebuilds the rest the same.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import TeamKind
from crm.demo.state import Demo
from reporting import services
from reporting.build import first_day, rebuild_all
from reporting.indicators import STOCK_METRICS
from reporting.models import Alert, AlertNotice, AlertStatus, DailyFact
from reporting.periods import period_containing
from reporting.sources.workflow import FRT_BUCKETS, frt_metric

DAYS = 365


def _people(demo: Demo, kind: str) -> list[tuple[int, int, int]]:
    """(person, team, agency) for the people of agency teams of this kind."""
    found = []
    for (team_kind, unit), team in demo.teams.items():
        if team_kind != kind or unit not in demo.agencies:
            continue
        for person in team.memberships.filter(ended_at__isnull=True).values_list("user_id", flat=True):
            found.append((person, team.pk, demo.agencies[unit].pk))
    return found


def _regional_team(demo: Demo, kind: str, agency_code: str) -> int | None:
    region = next(code for code, agency in demo.agencies.items() if code == agency_code)
    region_code = next(r for r, reg in demo.regions.items() if reg.pk == demo.agencies[region].region_id)
    team = demo.teams.get((kind, region_code))
    return team.pk if team else None


def _callers(demo: Demo) -> list[tuple[int, int, list[int]]]:
    """(agent, team, agencies they call into) for telemarketing (national) and telesales (their region)."""
    found = []
    for (kind, _unit), team in demo.teams.items():
        if kind not in (TeamKind.TELEMARKETING, TeamKind.TELESALES):
            continue
        agencies = [a.pk for a in demo.agencies.values() if team.region_id in (None, a.region_id)]
        for person in team.memberships.filter(ended_at__isnull=True).values_list("user_id", flat=True):
            found.append((person, team.pk, agencies))
    return found


def seed_facts(demo: Demo, *, days: int = DAYS, until: date | None = None, scale: int = 1) -> int:
    """Generate the facts of the `days` days before today, stopping before `until` (×`scale` activity).

    Returns the number of rows written.
    """
    rng = demo.rng
    today = timezone.localdate(demo.now)
    until = until or today
    region_of = {agency.pk: agency.region_id for agency in demo.agencies.values()}
    sellers = _people(demo, TeamKind.SALES)
    front = _people(demo, TeamKind.RECEPTION)
    callers = _callers(demo)
    cells: dict[tuple, Decimal] = {}

    weekend = False

    def add(day, metric, value, *, agency, person=None, team=None):
        # Nothing happens at the weekend; what is open stays open (stocks are read on any day).
        if value and not (weekend and metric not in STOCK_METRICS):
            key = (day, metric, person, team, agency)
            cells[key] = cells.get(key, Decimal(0)) + Decimal(value).quantize(Decimal("0.01"))

    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day >= until:
            continue
        weekend = day.weekday() >= 5
        trend = 1 + (days - back) / (2 * days)  # activity grows over the year
        for person, team, agency in sellers:
            received = rng.randint(0, 3 * scale) * trend
            received = int(received)
            won, lost = rng.randint(0, max(1, received)), rng.randint(0, max(1, received // 2))
            add(day, "leads_received", received, agency=agency, person=person, team=team)
            add(day, "leads_accepted", max(0, received - rng.randint(0, 1)), agency=agency, person=person, team=team)
            add(day, "leads_won", won, agency=agency, person=person, team=team)
            add(day, "leads_lost", lost, agency=agency, person=person, team=team)
            add(day, "leads_requalified", int(rng.random() < 0.1), agency=agency, person=person, team=team)
            add(day, "sales_count", won, agency=agency, person=person, team=team)
            amount = sum(rng.choice((29, 49, 300, 1200)) for _sale in range(won))
            add(day, "sales_amount", amount, agency=agency, person=person, team=team)
            add(day, "credits_amount", amount, agency=agency, person=person, team=team)
            for _answer in range(received):
                upper = FRT_BUCKETS[min(len(FRT_BUCKETS) - 1, int(rng.expovariate(0.6)))]
                add(day, frt_metric("lead", upper), 1, agency=agency, person=person, team=team)
            add(day, "backlog_leads", rng.randint(1, 6), agency=agency, person=person, team=team)
            add(day, "leads_untouched", int(rng.random() < 0.2), agency=agency, person=person, team=team)
            # Portfolio potentials: given now and then, mostly explored by their deadline.
            add(day, "potentials_received", int(rng.random() < 0.3 * scale), agency=agency, person=person, team=team)
            due = int(rng.random() < 0.3 * scale)
            add(day, "potentials_due", due, agency=agency, person=person, team=team)
            add(day, "potentials_explored_in_time", int(due and rng.random() < 0.75), agency=agency, person=person,
                team=team)  # fmt: skip
            add(day, "potentials_explored_late", int(rng.random() < 0.05), agency=agency, person=person, team=team)
            add(day, "potentials_overdue", int(rng.random() < 0.15), agency=agency, person=person, team=team)
        for person, team, agency in front:
            sent = rng.randint(0, 4 * scale)
            add(day, "leads_sent", sent, agency=agency, person=person, team=team)
            add(day, "leads_not_a_lead", int(rng.random() < 0.15 * min(sent, 1)), agency=agency, person=person,
                team=team)  # fmt: skip
        for person, team, agencies in callers:
            # Campaign calls: targets called, about half reached, a few leads and sales.
            agency = rng.choice(agencies)
            called = int(rng.randint(4, 12 * scale) * trend)
            reached = sum(rng.random() < 0.55 for _call in range(called))
            add(day, "campaign_called", called, agency=agency, person=person, team=team)
            add(day, "campaign_reached", reached, agency=agency, person=person, team=team)
            add(day, "campaign_leads", sum(rng.random() < 0.12 for _r in range(reached)), agency=agency,
                person=person, team=team)  # fmt: skip
            add(day, "campaign_sales", sum(rng.random() < 0.08 for _r in range(reached)), agency=agency,
                person=person, team=team)  # fmt: skip
        for code, agency in demo.agencies.items():
            for kind in (TeamKind.BILLING, TeamKind.AFTER_SALES):
                team = _regional_team(demo, kind, code)
                opened = int(rng.randint(1, 6 * scale) * trend)
                add(day, "requests_opened", opened, agency=agency.pk, team=team)
                add(day, "requests_resolved", max(0, opened - rng.randint(0, 2)), agency=agency.pk, team=team)
                add(day, "requests_transferred", int(rng.random() < 0.25), agency=agency.pk, team=team)
                add(day, "repeat_contacts", int(rng.random() < 0.3), agency=agency.pk, team=team)
                for _answer in range(opened):
                    upper = FRT_BUCKETS[min(len(FRT_BUCKETS) - 1, int(rng.expovariate(0.8)))]
                    add(day, frt_metric("request", upper), 1, agency=agency.pk, team=team)
                backlog = rng.randint(2, 12)
                add(day, "backlog_requests", backlog, agency=agency.pk, team=team)
                add(day, "backlog_age_days", backlog * rng.uniform(0.5, 4), agency=agency.pk, team=team)
                add(day, "backlog_old", rng.randint(0, backlog // 2), agency=agency.pk, team=team)
                add(day, "requests_past_sla", rng.randint(0, 2), agency=agency.pk, team=team)
            add(day, "clients_total", 120, agency=agency.pk)
            add(day, "clients_complete", rng.randint(80, 110), agency=agency.pk)
    rows = [DailyFact(day=day, metric=metric, person_id=person, team_id=team, agency_id=agency,
                      region_id=region_of[agency], value=value)
            for (day, metric, person, team, agency), value in cells.items()]  # fmt: skip
    DailyFact.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_objectives(demo: Demo) -> None:
    """This quarter's and this month's objectives: national, split to regions, agencies and salespeople."""
    today = timezone.localdate(demo.now)
    periods = (period_containing("quarter", today).code, period_containing("month", today).code)
    admin = demo.admin
    sellers_by_agency: dict[int, list[int]] = {}
    for person, _team, agency in _people(demo, TeamKind.SALES):
        sellers_by_agency.setdefault(agency, []).append(person)
    for period, metric, value in (
        (periods[0], "leads_received", 1200),
        (periods[0], "sales_amount", 250000),
        (periods[1], "leads_received", 400),
        (periods[1], "sales_amount", 85000),
    ):
        national = services.objective_set(actor=admin, metric=metric, period=period, scope="national", value=value)
        regions = services.objective_split(actor=admin, objective_id=national.pk, parts=[
            {"scope": f"region:{region.pk}", "weight": 3 if code == "hdf" else 2}
            for code, region in demo.regions.items()])  # fmt: skip
        for regional in regions:
            agencies = [a for a in demo.agencies.values() if a.region_id == regional.scope_id]
            for local in services.objective_split(actor=admin, objective_id=regional.pk,
                                                  parts=[{"scope": f"agency:{a.pk}", "weight": 1} for a in agencies]):  # fmt: skip
                people = sellers_by_agency.get(local.scope_id, [])
                if people:
                    services.objective_split(actor=admin, objective_id=local.pk,
                                             parts=[{"scope": f"user:{p}", "weight": 1} for p in people])  # fmt: skip


def seed_alerts(demo: Demo) -> None:
    """Three rules and their alerts in each state, told to the managers of the units."""
    from reporting.alerts import managers_of
    from reporting.scopes import load_unit

    admin, now = demo.admin, demo.now
    hdf, paca = demo.regions["hdf"], demo.regions["paca"]
    conversion = services.alert_rule_create(actor=admin, name="Conversion sous 20 % (30 jours)",
                                            metric="lead_conversion", scope=f"region:{hdf.pk}", each="agency",
                                            comparison="lt", threshold=20, window_days=30)  # fmt: skip
    backlog = services.alert_rule_create(actor=admin, name="Backlog de plus de 3 jours au-dessus de 20",
                                         metric="backlog_old", scope=f"region:{paca.pk}", each="agency",
                                         comparison="gt", threshold=20, window_days=1)  # fmt: skip
    untouched = services.alert_rule_create(actor=admin, name="Pistes non traitées depuis 5 jours ouvrés",
                                           metric="leads_untouched", scope="national", each="agency",
                                           comparison="gt", threshold=0, window_days=1)  # fmt: skip
    cases = (
        (conversion, demo.agencies["lille"], AlertStatus.OPEN, Decimal("17.5")),
        (backlog, demo.agencies["marseille"], AlertStatus.ACKNOWLEDGED, Decimal("23")),
        (untouched, demo.agencies["amiens"], AlertStatus.RESOLVED, Decimal("2")),
    )
    for rule, agency, status, value in cases:
        unit = load_unit("agency", agency.pk)
        alert = Alert.objects.create(rule=rule, unit_kind="agency", unit_id=agency.pk, agency=agency,
                                     region_id=agency.region_id, status=status, value=value,
                                     raised_at=now - timedelta(days=2))  # fmt: skip
        managers = managers_of(unit)
        for manager in managers:
            AlertNotice.objects.create(alert=alert, recipient=manager, emailed_at=now)
        if status != AlertStatus.OPEN and managers:
            alert.acknowledged_at, alert.acknowledged_by = now - timedelta(days=1), managers[0]
        if status == AlertStatus.RESOLVED:
            alert.resolved_at = now - timedelta(hours=3)
        alert.save()


def seed_reporting(demo: Demo) -> None:
    # Generated facts stop where the demo's real records start (its sales go back a few months): from
    # there on, the facts are built from the records, as the nightly full rebuild will build them again.
    first = first_day() or timezone.localdate(demo.now)
    demo.counts["facts"] = seed_facts(demo, until=first)
    demo.counts["facts"] += rebuild_all(since=first)
    seed_objectives(demo)
    seed_alerts(demo)


STEPS = (seed_reporting,)
