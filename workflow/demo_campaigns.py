"""Demo data of campaigns and portfolio potentials (issue 9): a running call list for national telemarketing
over Hauts-de-France with a few calls made (not reachable, not interested, a callback, a lead, a sale),
a draft for the PACA telesales team, and potentials given to salespeople: due, explored, and overdue.

Through the services, so rights, routing, credits and the trace are what real use gives. A potential
cannot be given with a deadline in the past, so the overdue ones (and one explored late) have their
deadline moved back on the row afterwards: the demo needs a history the clock cannot have yet. The
reminder scan, run by the worker's beat, reminds them once. `manage.py seed_demo` runs `seed_campaigns`
after the sales.
"""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from crm.demo.state import Demo
from workflow.models_campaigns import Potential, TargetOutcome
from workflow.services.calls import target_record_outcome, target_take_next
from workflow.services.campaigns import campaign_create, campaign_launch
from workflow.services.potentials import potential_create, potential_explore

CALLS = (TargetOutcome.NOT_REACHABLE, TargetOutcome.NOT_INTERESTED, TargetOutcome.CALLBACK, TargetOutcome.LEAD,
         TargetOutcome.SALE, TargetOutcome.NOT_REACHABLE)  # fmt: skip
# What becomes of each salesperson's potentials, in turn (the first ones first, for a small demo).
KINDS = ("overdue", "due", "explored", "late", "due", "overdue")
POTENTIALS_PER_OWNER = len(KINDS)


def seed_campaigns(demo: Demo) -> None:
    people, products = demo.people, demo.products
    marketing, agent = people.get("marketing"), people.get("telemarketing")
    if not (marketing and agent and "mob-pro" in products and demo.clients):
        return
    counts: Counter = Counter()
    today = timezone.localdate()
    campaign = campaign_create(
        actor=marketing, name="Forfait mobile Pro — relance Hauts-de-France", product_id=products["mob-pro"].pk,
        starts_on=today - timedelta(days=2), ends_on=today + timedelta(days=28),
        team_id=demo.teams[("telemarketing", "national")].pk, criteria={"region": demo.regions["hdf"].pk},
        script="Bonjour, je vous appelle de la part de votre agence : nous avons une offre Forfait mobile Pro "
        "illimité pour vos collaborateurs. Avez-vous deux minutes ?\n\nSi intérêt pour un besoin plus large "
        "(flotte, fibre) : proposer un rendez-vous avec le commercial du compte (piste).",
    )  # fmt: skip
    campaign_launch(actor=marketing, campaign_id=campaign.pk)
    counts["campaign"] += 1
    for outcome in CALLS:
        target = target_take_next(actor=agent, campaign_id=campaign.pk)
        if target is None:
            break
        extra = {}
        if outcome == TargetOutcome.CALLBACK:
            extra = {"callback_after": timezone.now() + timedelta(days=1, hours=2)}
        elif outcome == TargetOutcome.LEAD:
            extra = {"subject": "Flotte mobile pour 12 salariés", "product_id": products.get("mob-flotte", None)
                     and products["mob-flotte"].pk}  # fmt: skip
        elif outcome == TargetOutcome.SALE:
            extra = {"amount": "39.00"}
        target_record_outcome(actor=agent, target_id=target.pk, outcome=outcome, notes="Appel de campagne", **extra)
        counts["call"] += 1
    if "telesales" in {kind for kind, _unit in demo.teams} and ("telesales", "paca") in demo.teams:
        campaign_create(actor=marketing, name="Box pro — clients sans internet (PACA)", product_id=products[
            "mob-essentiel"].pk if "mob-essentiel" in products else products["mob-pro"].pk,
            starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=40),
            team_id=demo.teams[("telesales", "paca")].pk, criteria={"region": demo.regions["paca"].pk})  # fmt: skip
        counts["campaign"] += 1
    _potentials(demo, marketing, counts)
    demo.counts.update({"campaigns": counts["campaign"], "campaign calls": counts["call"],
                        "potentials": counts["potential"]})  # fmt: skip


def _potentials(demo: Demo, marketing, counts: Counter) -> None:
    """Per salesperson, in turn (`KINDS`): overdue, due, explored, explored late, due, overdue."""
    today = timezone.localdate()
    products = [p for code, p in demo.products.items() if code.startswith(("int-", "fix-", "mob-"))] or list(
        demo.products.values()
    )
    by_owner: dict[int, list] = {}
    for client in demo.clients:
        if client.account_owner_id and len(by_owner.setdefault(client.account_owner_id, [])) < POTENTIALS_PER_OWNER:
            by_owner[client.account_owner_id].append(client)
    for clients in by_owner.values():
        for n, client in enumerate(clients):
            product = products[(client.pk + n) % len(products)]
            potential = potential_create(actor=marketing, client_id=client.pk, product_id=product.pk,
                                         deadline=today + timedelta(days=7 + 5 * n), amount=str(500 * (n + 1)),
                                         note="Potentiel identifié par le marketing")  # fmt: skip
            counts["potential"] += 1
            kind = KINDS[n]
            if kind == "late":  # explored after its deadline
                Potential.objects.filter(pk=potential.pk).update(deadline=today - timedelta(days=2))
            if kind in ("explored", "late"):
                potential_explore(actor=client.account_owner, potential_id=potential.pk,
                                  outcome=("no_potential", "refused")[n % 2])  # fmt: skip
            elif kind == "overdue":  # not explored: the scheduler reminds the salesperson once
                Potential.objects.filter(pk=potential.pk).update(deadline=today - timedelta(days=1 + n))
