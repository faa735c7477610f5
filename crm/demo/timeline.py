"""A year of contacts with every client, on every channel, by the people of the client's agency.

Written with `bulk_create`, not `interaction_log`, and not traced: these are backdated history. The
trace records when things happened to the system, so ~3,000 `crm.interaction.logged` events stamped
with the seeding time would tell a false story (and trace-based indicators would see a spike today);
going through the service also tripled the seeding time. Authors and their teams are chosen the way
`interaction_log` would set them: a person whose team covers the client's agency, or nobody for the
web form. Interactions logged after seeding go through the service and are traced as usual.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.demo import people_by_kind
from accounts.models import Team, TeamKind, User
from crm.demo.state import Demo
from crm.models import Channel, Client, Direction, Interaction, Segment

# Who gets in touch with a client, and how often, relative to one another. None: the web form, no person.
AUTHOR_WEIGHTS = {TeamKind.RECEPTION: 34, TeamKind.SALES: 18, TeamKind.TELESALES: 8, TeamKind.TELEMARKETING: 4,
                  TeamKind.BILLING: 12, TeamKind.AFTER_SALES: 12, TeamKind.SALES_ASSISTANCE: 4,
                  TeamKind.PRODUCTION: 3, None: 5}  # fmt: skip

# For each kind: (channel, direction, weight).
CHANNELS = {
    TeamKind.RECEPTION: ((Channel.INBOUND_CALL, Direction.INBOUND, 60), (Channel.EMAIL, Direction.INBOUND, 14),
                         (Channel.CHAT, Direction.INBOUND, 14), (Channel.VISIT, Direction.INBOUND, 6),
                         (Channel.OUTBOUND_CALL, Direction.OUTBOUND, 6)),
    TeamKind.SALES: ((Channel.VISIT, Direction.OUTBOUND, 35), (Channel.OUTBOUND_CALL, Direction.OUTBOUND, 40),
                     (Channel.EMAIL, Direction.OUTBOUND, 20), (Channel.INBOUND_CALL, Direction.INBOUND, 5)),
    TeamKind.TELESALES: ((Channel.OUTBOUND_CALL, Direction.OUTBOUND, 85), (Channel.EMAIL, Direction.OUTBOUND, 15)),
    TeamKind.TELEMARKETING: ((Channel.OUTBOUND_CALL, Direction.OUTBOUND, 100),),
    TeamKind.BILLING: ((Channel.INBOUND_CALL, Direction.INBOUND, 40), (Channel.EMAIL, Direction.INBOUND, 30),
                       (Channel.LETTER, Direction.OUTBOUND, 20), (Channel.LETTER, Direction.INBOUND, 10)),
    TeamKind.AFTER_SALES: ((Channel.INBOUND_CALL, Direction.INBOUND, 55), (Channel.EMAIL, Direction.INBOUND, 20),
                           (Channel.OUTBOUND_CALL, Direction.OUTBOUND, 25)),
    TeamKind.SALES_ASSISTANCE: ((Channel.EMAIL, Direction.OUTBOUND, 60), (Channel.OUTBOUND_CALL, Direction.OUTBOUND, 40)),
    TeamKind.PRODUCTION: ((Channel.EMAIL, Direction.OUTBOUND, 50), (Channel.OUTBOUND_CALL, Direction.OUTBOUND, 50)),
    None: ((Channel.WEB, Direction.INBOUND, 100),),
}  # fmt: skip

SUBJECTS = {
    TeamKind.RECEPTION: ("Demande de rappel du commercial", "Question sur le contrat en cours", "Changement d'adresse",
                         "Demande de duplicata de facture", "Signalement de coupure de ligne",
                         "Demande d'information sur la fibre", "Ajout d'une ligne mobile", "Client mécontent du délai"),
    TeamKind.SALES: ("Rendez-vous de présentation de l'offre", "Point annuel sur le parc", "Proposition commerciale envoyée",
                     "Négociation du renouvellement", "Démonstration du standard IP", "Suivi de la proposition"),
    TeamKind.TELESALES: ("Proposition d'option sauvegarde", "Relance de l'offre fibre", "Montée en gamme du forfait"),
    TeamKind.TELEMARKETING: ("Campagne fibre pro : appel ciblé", "Campagne sécurité : présentation antivirus",
                             "Enquête de satisfaction"),
    TeamKind.BILLING: ("Contestation de facture", "Échéancier de paiement", "Relance de facture impayée",
                       "Changement de RIB", "Erreur de TVA sur la facture"),
    TeamKind.AFTER_SALES: ("Panne de la ligne fixe", "Débit internet insuffisant", "Remplacement de la box",
                           "Téléphone mobile défectueux", "Intervention technicien planifiée"),
    TeamKind.SALES_ASSISTANCE: ("Dossier de commande incomplet", "Envoi du contrat à signer", "Avenant au contrat"),
    TeamKind.PRODUCTION: ("Date de mise en service confirmée", "Raccordement fibre reporté", "Portabilité du numéro"),
    None: ("Formulaire web : demande de contact", "Formulaire web : question sur une facture",
           "Formulaire web : demande de devis"),
}  # fmt: skip

SEGMENT_ACTIVITY = {Segment.MASS: 0.8, Segment.INTERMEDIATE: 1.4, Segment.KEY_ACCOUNT: 2.2}


def seed_timeline(demo: Demo) -> None:
    interactions = []
    for client in demo.clients:
        team_people = people_by_kind(demo, client.agency)
        wanted = round(demo.interactions_per_client * SEGMENT_ACTIVITY[client.segment] * demo.rng.uniform(0.4, 1.6))
        interactions += [_interaction(demo, client, team_people) for _ in range(wanted)]
    Interaction.objects.bulk_create(interactions, batch_size=500)
    demo.counts["interactions"] = len(interactions)


def _interaction(demo: Demo, client: Client, team_people: dict[str, list[tuple[User, Team]]]) -> Interaction:
    rng = demo.rng
    kinds = [kind for kind in AUTHOR_WEIGHTS if kind is None or kind in team_people]
    kind = rng.choices(kinds, weights=[AUTHOR_WEIGHTS[k] for k in kinds])[0]
    options = CHANNELS[kind]
    channel, direction, _weight = rng.choices(options, weights=[o[2] for o in options])[0]
    if kind is None:
        author, team = None, None
    elif kind == TeamKind.SALES and client.account_owner is not None:
        author, team = next((u, t) for u, t in team_people[kind] if u.pk == client.account_owner_id)
    else:
        author, team = rng.choice(team_people[kind])
    contacts = demo.contacts.get(client.pk) or [None]
    return Interaction(
        client=client,
        contact_id=rng.choice(contacts) if rng.random() < 0.8 else None,
        channel=channel,
        direction=direction,
        author=author,
        team=team,
        occurred_at=_working_hour(demo),
        subject=rng.choice(SUBJECTS[kind]),
    )


def _working_hour(demo: Demo) -> datetime:
    """A moment in office hours on a weekday of the last twelve months (local time)."""
    day = timezone.localdate(demo.now) - timedelta(days=demo.rng.randint(1, 365))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = demo.rng.randint(8 * 60 + 30, 18 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone())
