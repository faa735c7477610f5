"""Demo data of the workflow: categories, routing rules, and requests and leads in every state.

Everything goes through `workflow.services`, so routing, rights, counters and the trace are real.
`manage.py seed_demo` runs `STEPS` after the client record's.
"""

from collections import Counter
from decimal import Decimal

from accounts.demo import people_by_kind
from accounts.models import TeamKind, User
from crm.demo.state import Demo
from crm.models import Client
from workflow import services
from workflow.demo_ageing import age_workflow
from workflow.demo_campaigns import seed_campaigns
from workflow.demo_sales import seed_sales
from workflow.hours import DEFAULT_OPENING_HOURS
from workflow.models import Category, FieldType, RoutingRule, Weekday
from workflow.routing import team_covering, team_members
from workflow.services.configuration import agency_calendar_update


def _text(code: str, label_fr: str, label_en: str, *, kind: str = FieldType.TEXT, required: bool = True,
          options: tuple[tuple[str, str, str], ...] = ()) -> dict:  # fmt: skip
    return {"code": code, "label_fr": label_fr, "label_en": label_en, "type": kind, "required": required,
            "options": [{"value": v, "label_fr": fr, "label_en": en} for v, fr, en in options]}  # fmt: skip


INVOICE = _text("invoice_number", "Numéro de facture", "Invoice number")
LINE = _text("line_number", "Numéro de ligne", "Line number")
SYMPTOM = _text("symptom", "Symptôme", "Symptom", kind=FieldType.CHOICE, required=False, options=(
    ("no_service", "Plus de service", "No service"), ("slow", "Débit dégradé", "Slow connection"),
    ("intermittent", "Coupures intermittentes", "Intermittent cuts"),
))  # fmt: skip
ORDER = _text("order_number", "Numéro de commande", "Order number")
WANTED_ON = _text("wanted_on", "Date souhaitée", "Wanted on", kind=FieldType.DATE, required=False)
CONTRACT = _text("contract_number", "Numéro de contrat", "Contract number")
CATEGORIES = [
    # code, name, fields, response hours, resolution hours (business hours), default queue, also handled by
    ("billing", "Question de facturation", [INVOICE], 8, 72, TeamKind.BILLING, [TeamKind.SALES_ASSISTANCE]),
    ("fault", "Dérangement", [LINE, SYMPTOM], 4, 48, TeamKind.AFTER_SALES, [TeamKind.PRODUCTION]),
    ("order_change", "Modification de commande", [ORDER, WANTED_ON], 8, 120, TeamKind.PRODUCTION,
     [TeamKind.SALES_ASSISTANCE]),
    ("contract", "Gestion du contrat", [CONTRACT], 24, 120, TeamKind.SALES_ASSISTANCE, [TeamKind.BILLING]),
    ("general", "Demande générale", [], 24, 72, TeamKind.AFTER_SALES,
     [TeamKind.BILLING, TeamKind.PRODUCTION, TeamKind.SALES_ASSISTANCE]),
]  # fmt: skip
FIELD_VALUES = {"invoice_number": "F-2026-{n:05d}", "line_number": "03 20 {n:02d} 00 00",
                "order_number": "CMD-{n:06d}", "contract_number": "CT-{n:06d}"}  # fmt: skip
# Every agency keeps the default week (Monday to Friday, 09:00-12:30 and 13:30-18:00, Europe/Paris)
# but for these: Lille opens on Saturday mornings, Nice closes on its patron saint's day.
SATURDAY_MORNING = {**DEFAULT_OPENING_HOURS, Weekday.SATURDAY: [["09:00", "12:00"]]}
CALENDARS = {
    "lille": {"opening_hours": SATURDAY_MORNING},
    "nice": {"closed_days": [{"date": "2026-12-04", "label": "Sainte-Réparate"}]},
}
REQUEST_SUBJECTS = {
    "billing": ["Facture plus élevée que prévu", "Double prélèvement", "Demande d'échéancier"],
    "fault": ["Plus de connexion internet", "Ligne fixe muette", "Débit très faible"],
    "order_change": ["Décaler la date d'installation", "Corriger l'adresse de livraison de la commande"],
    "contract": ["Changement de titulaire", "Résiliation d'une ligne"],
    "general": ["Demande d'attestation", "Changement d'adresse de facturation"],
}
LEAD_SUBJECTS = ["Intéressé par la fibre pro", "Projet de déménagement, besoin de 10 lignes",
                 "Veut sécuriser son réseau", "Renouvellement de flotte mobile", "Sauvegarde cloud pour 3 sites"]  # fmt: skip
REQUEST_ENDINGS = ["new", "assigned", "in_progress", "waiting_client", "resolved", "closed", "cancelled",
                   "transferred", "requalified"]  # fmt: skip
# The first demo client is in Lille, the agency with two salespeople: it shows a reassignment.
LEAD_ENDINGS = ["reassigned", "new", "accepted", "in_progress", "won", "lost", "requalified"]


def seed_workflow(demo: Demo) -> None:
    categories = {
        code: Category.objects.create(
            code=code,
            name=name,
            field_definitions=fields,
            response_hours=response,
            resolution_hours=resolution,
            default_team_kind=kind,
            extra_team_kinds=extra,
        )  # fmt: skip
        for code, name, fields, response, resolution, kind, extra in CATEGORIES
    }
    for agency in demo.agencies.values():
        hours = {"opening_hours": DEFAULT_OPENING_HOURS, **CALENDARS.get(agency.code, {})}
        agency_calendar_update(actor=demo.admin, agency_id=agency.pk, **hours)
    rules = [
        {"order": 10, "name": "Pistes au commercial du compte", "kind": "lead", "target_type": "account_owner"},
        {"order": 20, "name": "Pistes sans commercial: équipe commerciale de l'agence", "kind": "lead",
             "target_type": "team_of_kind", "target_team_kind": TeamKind.SALES, "assignment": "claim"},
        {"order": 10, "name": "Facturation vers la facturation régionale", "kind": "service_request",
             "match": {"category": "billing"}, "target_type": "team_of_kind", "target_team_kind": TeamKind.BILLING},
        {"order": 20, "name": "Dérangements vers le SAV, au moins chargé", "kind": "service_request",
             "match": {"category": "fault"}, "target_type": "team_of_kind", "target_team_kind": TeamKind.AFTER_SALES,
             "assignment": "least_loaded"},
        {"order": 30, "name": "Commandes grands comptes vers la production", "kind": "service_request",
             "match": {"category": "order_change", "segment": ["key_account", "intermediate"]},
             "target_type": "team_of_kind", "target_team_kind": TeamKind.PRODUCTION, "assignment": "round_robin"},
    ]  # fmt: skip
    for rule in rules:
        RoutingRule.objects.create(**rule)
    counts: Counter = Counter()
    clients = demo.clients[: max(1, min(len(demo.clients), 300))]
    for n, client in enumerate(clients):
        _seed_request(demo, client, categories, REQUEST_ENDINGS[n % len(REQUEST_ENDINGS)], n, counts)
        if n % 2 == 0:
            _seed_lead(demo, client, LEAD_ENDINGS[(n // 2) % len(LEAD_ENDINGS)], n, counts)
    demo.counts.update({"service requests": counts["request"], "leads": counts["lead"]})


# The workflow's part of the demo, in order: requests and leads, then sales with their credits, then
# campaigns and portfolio potentials (issue 9), then every item dated back over eight weeks (issue 8, item 11).
STEPS = (seed_workflow, seed_sales, seed_campaigns, age_workflow)


def _front_line(demo: Demo, client: Client) -> User:
    people = people_by_kind(demo, client.agency)
    candidates = people.get(TeamKind.RECEPTION) or people.get(TeamKind.TELESALES) or []
    return demo.rng.choice(candidates)[0]


def _manager(demo: Demo, client: Client) -> User | None:
    managers = people_by_kind(demo, client.agency).get(TeamKind.MANAGEMENT) or []
    return managers[0][0] if managers else None


def _seed_request(demo: Demo, client: Client, categories: dict, ending: str, n: int, counts: Counter) -> None:
    code = demo.rng.choice(list(categories))
    category = categories[code]
    fields = {name: FIELD_VALUES[name].format(n=n) for name in category.required_fields}
    if code == "fault" and n % 2:
        fields["symptom"] = demo.rng.choice(["no_service", "slow", "intermittent"])
    sender = _front_line(demo, client)
    request = services.service_request_create(
        sender=sender, client_id=client.pk, category=category, subject=demo.rng.choice(REQUEST_SUBJECTS[code]),
        description="Client rappelé, détails notés lors de l'appel.", fields=fields,
    )  # fmt: skip
    counts["request"] += 1
    if ending == "new":
        return
    if ending == "cancelled":
        services.service_request_cancel(request_id=request.pk, user=sender, reason="Doublon d'une autre demande")
        return
    members = team_members(request.team) if request.team else []
    if not members:
        return
    worker = request.assignee or members[n % len(members)]
    if request.assignee is None:
        services.service_request_claim(request_id=request.pk, user=worker)
    if ending == "transferred":
        # Misrouted: it belonged to the category's other team (and the transfer may only go there).
        other = next((kind for kind in category.handling_team_kinds if kind != request.team.kind), None)
        target = team_covering(kind=other, client=client) if other else None
        if target:
            services.service_request_transfer(request_id=request.pk, user=worker, team_id=target.pk,
                                              reason="Ne relève pas de notre équipe")  # fmt: skip
        return
    if ending == "requalified":
        # Sent as a request, it was a sale in disguise: the lead it becomes says so in its own words.
        services.service_request_requalify(request_id=request.pk, user=worker,
                                           reason="Le client veut surtout une nouvelle offre",
                                           subject=demo.rng.choice(LEAD_SUBJECTS))  # fmt: skip
        counts["lead"] += 1
        return
    if ending == "assigned":
        return
    services.service_request_start(request_id=request.pk, user=worker)
    if ending == "in_progress":
        return
    if ending == "waiting_client":
        services.service_request_wait(request_id=request.pk, user=worker, note="En attente du justificatif")
        return
    services.service_request_resolve(request_id=request.pk, user=worker, resolution="Corrigé et confirmé au client")
    if ending == "closed":
        services.service_request_close(request_id=request.pk, user=sender)


def _seed_lead(demo: Demo, client: Client, ending: str, n: int, counts: Counter) -> None:
    sender = _front_line(demo, client)
    products = list(demo.products.values())
    product = products[n % len(products)] if products and n % 3 else None
    lead = services.lead_create(sender=sender, client_id=client.pk, subject=demo.rng.choice(LEAD_SUBJECTS),
                                description="Repéré lors d'un appel à l'accueil.",
                                product_id=product.pk if product else None)  # fmt: skip
    counts["lead"] += 1
    holder = lead.assignee or (team_members(lead.team)[0] if lead.team and team_members(lead.team) else None)
    if ending == "new" or holder is None:
        return
    if ending == "reassigned":
        manager = _manager(demo, client)
        colleagues = [u for u, _t in people_by_kind(demo, client.agency).get(TeamKind.SALES, []) if u != holder]
        if manager and colleagues:
            services.lead_reassign(lead_id=lead.pk, actor=manager, assignee_id=colleagues[0].pk,
                                   reason="Portefeuille réparti")  # fmt: skip
        return
    if ending == "requalified":
        services.lead_requalify(lead_id=lead.pk, user=holder, reason="Simple question de facture",
                                subject=demo.rng.choice(REQUEST_SUBJECTS["billing"]),
                                category="billing", fields={"invoice_number": f"F-2026-L{n:04d}"})  # fmt: skip
        counts["request"] += 1
        return
    amount = Decimal(demo.rng.choice([800, 2400, 6000, 15000, 42000]))
    services.lead_accept(
        lead_id=lead.pk, user=holder, potential_amount=amount, probability=demo.rng.choice([20, 40, 60, 80])
    )
    if ending == "accepted":
        return
    if ending == "lost":
        services.lead_lost(lead_id=lead.pk, user=holder, reason="Offre concurrente moins chère")
        return
    services.lead_start(lead_id=lead.pk, user=holder)
    if ending == "won":  # a won lead records its sale: of its product, else the first of the catalogue
        services.lead_won(lead_id=lead.pk, user=holder, amount=amount, product_id=(product or products[0]).pk)
