"""Demo data of sales (issue 9): four months of sales with their credits, proposals and leads that initiated
some of them, complex products closed by telesales on salespeople's accounts, a few cancellations, and on
the showcase client one dispute waiting for Lille's manager and one already decided.

Everything goes through the services (`workflow.services.sales`, `.disputes`, `crm.proposals`,
`workflow.services.leads`), so rights, channels, attribution and the trace are what real use gives.
The trace's time stamps are today's (the trace cannot be backdated); the sales' own dates spread over
the last four months, so each month of "my credits" has its rows. `manage.py seed_demo` runs
`seed_sales` after the workflow's own step.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.demo import people_by_kind
from accounts.models import TeamKind, User
from crm.demo.state import Demo
from crm.models import Client, Complexity, Product
from crm.proposals import proposal_record
from workflow import services
from workflow.services.disputes import dispute_decide, dispute_open
from workflow.services.sales import sale_cancel, sale_record

SALES_CLIENTS = 200  # the first clients of the demo get a sale each
OLDEST_SALE_DAYS = 110  # within SALE_MAX_AGE_DAYS
AMOUNTS = {Complexity.BASIC: (25, 40, 60, 120, 300), Complexity.COMPLEX: (1800, 4500, 9000, 15000, 32000)}


def seed_sales(demo: Demo) -> None:
    counts: Counter = Counter()
    products = list(demo.products.values())
    basic = [p for p in products if p.complexity == Complexity.BASIC]
    complex_ = [p for p in products if p.complexity == Complexity.COMPLEX]
    if not basic or not complex_:
        return
    for n, client in enumerate(demo.clients[1:SALES_CLIENTS], start=1):
        _one_story(demo, client, n, basic, complex_, counts)
    _showcase(demo, counts)
    demo.counts.update({"sales": counts["sale"], "proposals": counts["proposal"], "disputes": counts["dispute"]})


def _first(people: dict[str, list], kind: str) -> User | None:
    return people[kind][0][0] if people.get(kind) else None


def _amount(demo: Demo, product: Product) -> Decimal:
    return Decimal(demo.rng.choice(AMOUNTS[product.complexity]))


def _one_story(demo: Demo, client: Client, n: int, basic: list, complex_: list, counts: Counter) -> None:
    """One of six ways a sale happens, by turns, on a date of the last four months."""
    rng = demo.rng
    people = people_by_kind(demo, client.agency)
    owner, reception = client.account_owner, _first(people, TeamKind.RECEPTION)
    telesales, telemarketing = _first(people, TeamKind.TELESALES), _first(people, TeamKind.TELEMARKETING)
    sold_on = timezone.localdate() - timedelta(days=rng.randint(0, OLDEST_SALE_DAYS))
    story = n % 6
    product = rng.choice(complex_ if story in (1, 2, 3) else basic)
    amount = _amount(demo, product)
    if story == 3 and owner and reception:
        # Reception spots it, the account's salesperson wins the lead: reception initiated.
        lead = services.lead_create(sender=reception, client_id=client.pk, subject="Besoin repéré à l'accueil",
                                    product_id=product.pk)  # fmt: skip
        holder = lead.assignee or owner
        services.lead_accept(lead_id=lead.pk, user=holder, potential_amount=amount, probability=60)
        services.lead_won(lead_id=lead.pk, user=holder, amount=amount, sold_on=sold_on)
        counts["sale"] += 1
        return
    if story == 2 and owner and telesales:
        # Telesales proposed the family first; the salesperson closed on a visit: telesales initiated.
        proposal_record(actor=telesales, client_id=client.pk, family=product.family, channel="outbound_call")
        counts["proposal"] += 1
        closer, channel = owner, "visit"
    elif story == 1 and owner and telesales:
        closer, channel = telesales, "outbound_call"  # a complex product on a salesperson's account
    elif story == 0 and reception:
        closer, channel = reception, "inbound_call"
    elif story == 4 and telemarketing:
        closer, channel = telemarketing, "outbound_call"
    elif owner:
        closer, channel, product = owner, "visit", rng.choice(basic)
    else:
        return
    sale = sale_record(actor=closer, client_id=client.pk, product_id=product.pk, amount=amount,
                       quantity=rng.choice((1, 1, 2, 5)), channel=channel, sold_on=sold_on)  # fmt: skip
    counts["sale"] += 1
    if n % 41 == 7:
        sale_cancel(sale_id=sale.pk, actor=closer, reason="Le client s'est rétracté")


def _showcase(demo: Demo, counts: Counter) -> None:
    """On the showcase client (Lille, Sophie's account): one dispute open, one decided by Lille's manager."""
    client = demo.clients[0]
    people = demo.people
    reception, owner = people["reception_lille"], people["sales_lille"]
    telesales, manager = people["telesales_hdf"], people["manager_lille"]
    products = demo.products
    today = timezone.localdate()

    # Reception wrote a lead for a SIP trunk; telesales then sold an IP switchboard (same family) on
    # Sophie's account: the rule credits reception as initiator, Sophie her owner's share. Telesales
    # contests, saying the campaign call came first: the dispute waits for Lille's manager.
    services.lead_create(sender=reception, client_id=client.pk, subject="Intéressé par un trunk SIP",
                         product_id=products["fix-trunk-sip"].pk)  # fmt: skip
    switchboard = sale_record(actor=telesales, client_id=client.pk, product_id=products["fix-standard-ip"].pk,
                              amount=Decimal("6400"), channel="outbound_call", sold_on=today - timedelta(days=3))  # fmt: skip
    dispute_open(actor=telesales, sale_id=switchboard.pk,
                 reason="J'avais présenté le standard IP lors de ma campagne d'appels, avant l'appel à l'accueil.")  # fmt: skip

    # Sophie sold a dedicated fibre on a visit with no internet lead before: the rule credits her alone.
    # Reception contested (the client had called about fibre and she passed it on by phone); the manager
    # upheld it, half and half: the credits were rewritten as a second version.
    fibre = sale_record(actor=owner, client_id=client.pk, product_id=products["int-fibre-dediee"].pk,
                        amount=Decimal("12000"), channel="visit", sold_on=today - timedelta(days=40))  # fmt: skip
    dispute = dispute_open(actor=reception, sale_id=fibre.pk,
                           reason="Le client avait appelé l'accueil pour la fibre ; j'ai prévenu Sophie par téléphone.")  # fmt: skip
    dispute_decide(dispute_id=dispute.pk, actor=manager, outcome="upheld",
                   reason="L'appel à l'accueil est noté au journal du client : l'initiative revient à l'accueil.",
                   credits=[{"person": reception.pk, "role": "initiator", "share": "50"},
                            {"person": owner.pk, "role": "closer", "share": "50"}])  # fmt: skip
    counts["sale"] += 2
    counts["dispute"] += 2
