"""The demo client record: the product catalogue, clients with their contacts, and what they hold.

Products, clients and contacts go through `crm.services` (so search columns and the trace are real).
Holdings have no service and are bulk-created: a holding is what the client has, not an event (sales
are traced by the sales feature).
"""

from datetime import timedelta
from decimal import Decimal

from accounts.demo import people_by_kind
from accounts.models import Agency, TeamKind, User
from crm import identifiers, services
from crm.demo import words
from crm.demo.state import Demo
from crm.models import Channel, Client, ClientStatus, Complexity, Holding, Product, Segment
from crm.search import normalise_phone, normalise_text

_BASIC_CHANNELS = [Channel.INBOUND_CALL, Channel.OUTBOUND_CALL, Channel.VISIT, Channel.WEB, Channel.CHAT]
# Complex products are sold face to face or by a salesperson's call, never over the reception desk.
_COMPLEX_CHANNELS = [Channel.VISIT, Channel.OUTBOUND_CALL]

# code, name, family, complexity, account owner's commission share (percent, complex products only)
CATALOGUE = (
    ("mob-essentiel", "Forfait mobile Essentiel", "mobile", Complexity.BASIC, "0"),
    ("mob-pro", "Forfait mobile Pro illimité", "mobile", Complexity.BASIC, "0"),
    ("mob-flotte", "Flotte mobile entreprise", "mobile", Complexity.COMPLEX, "20"),
    ("int-fibre-pro", "Fibre Pro", "internet", Complexity.BASIC, "0"),
    ("int-sdsl", "SDSL débit garanti", "internet", Complexity.COMPLEX, "15"),
    ("int-fibre-dediee", "Fibre dédiée", "internet", Complexity.COMPLEX, "25"),
    ("fix-ligne", "Ligne fixe analogique", "landline", Complexity.BASIC, "0"),
    ("fix-standard-ip", "Standard téléphonique IP", "landline", Complexity.COMPLEX, "20"),
    ("fix-trunk-sip", "Trunk SIP", "landline", Complexity.COMPLEX, "15"),
    ("cloud-messagerie", "Messagerie collaborative", "cloud", Complexity.BASIC, "0"),
    ("cloud-sauvegarde", "Sauvegarde en ligne", "cloud", Complexity.BASIC, "0"),
    ("cloud-serveur", "Serveur privé virtuel", "cloud", Complexity.COMPLEX, "20"),
    ("sec-antivirus", "Antivirus postes de travail", "security", Complexity.BASIC, "0"),
    ("sec-pare-feu", "Pare-feu managé", "security", Complexity.COMPLEX, "25"),
)

_NOT_IN_DOMAINS = {"groupe", *(form.lower() for form in words.LEGAL_FORMS)}

AGENCY_WEIGHTS = {"lille": 35, "amiens": 20, "marseille": 28, "nice": 17}
SEGMENT_WEIGHTS = {Segment.MASS: 70, Segment.INTERMEDIATE: 22, Segment.KEY_ACCOUNT: 8}
OWNED_SHARE = {Segment.MASS: 0.8, Segment.INTERMEDIATE: 0.95, Segment.KEY_ACCOUNT: 1.0}
STATUS_WEIGHTS = {ClientStatus.ACTIVE: 85, ClientStatus.PROSPECT: 10, ClientStatus.FORMER: 5}

# The client every demo starts with: a reception agent types this number or name and finds it at once.
SHOWCASE = {"name": "Boulangerie Dupont", "phone": "03 20 12 34 56", "legal_id": "412345670",
            "email": "contact@boulangerie-dupont.fr", "address": "12 rue Esquermoise", "postcode": "59000",
            "city": "Lille", "segment": Segment.MASS, "status": ClientStatus.ACTIVE}  # fmt: skip


def seed_catalogue(demo: Demo) -> None:
    for code, name, family, complexity, share in CATALOGUE:
        channels = _COMPLEX_CHANNELS if complexity == Complexity.COMPLEX else _BASIC_CHANNELS
        demo.products[code] = services.product_create(
            actor=demo.admin, code=code, name=name, family=family, complexity=complexity,
            direct_sale_channels=[str(channel) for channel in channels], owner_commission_share=Decimal(share),
        )  # fmt: skip
    demo.counts["products"] = len(demo.products)


def seed_clients(demo: Demo) -> None:
    names = _Unique()
    phones = _Unique()
    legal_ids = _Unique()
    emails = _Unique()
    names.take(normalise_text(SHOWCASE["name"]))
    phones.take(normalise_phone(SHOWCASE["phone"]))
    legal_ids.take(SHOWCASE["legal_id"])
    emails.take(SHOWCASE["email"])
    for index in range(demo.clients_wanted):
        if index == 0:
            agency = demo.agencies["lille"]
            data = dict(SHOWCASE, account_owner=demo.people["sales_lille"])
        else:
            agency = demo.agencies[_weighted(demo, AGENCY_WEIGHTS)]
            data = _client_data(demo, agency, names, phones, legal_ids, emails)
        team_people = people_by_kind(demo, agency)
        salespeople = [user for user, _team in team_people[TeamKind.SALES]]
        if index and demo.rng.random() < OWNED_SHARE[data["segment"]]:
            data["account_owner"] = demo.rng.choice(salespeople)
        # Whoever opened the record: the agency's reception, or for a named account its manager (only a
        # manager of the agency names an account owner).
        actor = team_people[TeamKind.MANAGEMENT if data.get("account_owner") else TeamKind.RECEPTION][0][0]
        client = services.client_create(actor=actor, confirm=True, agency=agency, **data)
        demo.clients.append(client)
        demo.contacts[client.pk] = _create_contacts(demo, client, actor)
    demo.counts["clients"] = len(demo.clients)


def seed_holdings(demo: Demo) -> None:
    products = list(demo.products.values())
    basic = [p for p in products if p.complexity == Complexity.BASIC]
    complex_ = [p for p in products if p.complexity == Complexity.COMPLEX]
    holdings = []
    for client in demo.clients:
        if client.status != ClientStatus.ACTIVE:
            continue
        low, high, complex_count = {Segment.MASS: (1, 2, 0), Segment.INTERMEDIATE: (2, 4, 1),
                                    Segment.KEY_ACCOUNT: (3, 6, 3)}[client.segment]  # fmt: skip
        picked = demo.rng.sample(complex_, demo.rng.randint(0, complex_count))
        picked += demo.rng.sample(basic, demo.rng.randint(low, high))
        for product in picked:
            holdings.append(Holding(client=client, product=product, quantity=_quantity(demo, client, product),
                                    since=(demo.now - timedelta(days=demo.rng.randint(30, 6 * 365))).date()))  # fmt: skip
    Holding.objects.bulk_create(holdings, batch_size=500)
    demo.counts["holdings"] = len(holdings)


def _quantity(demo: Demo, client: Client, product: Product) -> int:
    if product.family != "mobile":
        return 1
    return {Segment.MASS: demo.rng.randint(1, 3), Segment.INTERMEDIATE: demo.rng.randint(3, 20),
            Segment.KEY_ACCOUNT: demo.rng.randint(20, 150)}[client.segment]  # fmt: skip


def _client_data(demo: Demo, agency: Agency, names, phones, legal_ids, emails) -> dict:
    rng = demo.rng
    local = words.REGIONAL[agency.region.code]
    segment = _weighted(demo, SEGMENT_WEIGHTS)
    name = names.make(lambda: _company_name(demo, segment, local))
    area, towns = words.TOWNS[agency.code]
    postcode, city = rng.choice(towns)
    brand = [w for w in normalise_text(name).split() if w not in _NOT_IN_DOMAINS]
    domain = "-".join(brand) + rng.choice((".fr", ".fr", ".com"))
    # Some records are incomplete, as real ones are: the completeness indicator has something to show.
    return {
        "name": name,
        "segment": segment,
        "status": _weighted(demo, STATUS_WEIGHTS),
        "phone": phones.make(lambda: _phone(demo, area), key=normalise_phone),
        # One client per company: two companies never share an address (nor a number, nor a SIREN).
        "email": emails.make(lambda: f"{rng.choice(('contact', 'accueil', 'info', 'compta'))}@{domain}", key=str.lower)
        if rng.random() > 0.08
        else "",
        "legal_id": legal_ids.make(lambda: _siren(demo)) if rng.random() > 0.06 else "",
        "address": f"{rng.randint(1, 180)} {rng.choice(words.STREETS + local['streets'])}"
        if rng.random() > 0.04
        else "",
        "postcode": postcode,
        "city": city,
    }


def _company_name(demo: Demo, segment: str, local: dict[str, tuple[str, ...]]) -> str:
    rng = demo.rng
    if segment == Segment.MASS:
        pattern = rng.random()
        if pattern < 0.6:
            return f"{rng.choice(words.TRADES)} {rng.choice(words.LAST_NAMES)}"
        if pattern < 0.85:
            return f"{rng.choice(words.TRADES)} {rng.choice(words.PLACES + local['places'])}"
        return f"{rng.choice(words.LAST_NAMES)} {rng.choice(('& Fils', 'Frères', 'et Associés'))}"
    brand = f"{rng.choice(words.PREFIXES + local['prefixes'])}{rng.choice(words.SUFFIXES)}"
    if segment == Segment.INTERMEDIATE:
        if rng.random() < 0.5:
            return f"{rng.choice(words.LAST_NAMES)} {rng.choice(words.ACTIVITIES)} {rng.choice(words.LEGAL_FORMS)}"
        return f"{brand} {rng.choice(words.ACTIVITIES)}"
    return f"{rng.choice(('Groupe ', '', ''))}{brand} {rng.choice(words.ACTIVITIES)} SA"


def _phone(demo: Demo, area: str) -> str:
    rng = demo.rng
    prefix = rng.choice(("06", "07")) if rng.random() < 0.2 else area
    return _typed_number(demo, prefix)


def _typed_number(demo: Demo, prefix: str) -> str:
    """A dialable French number starting with `prefix`, written as people type them."""
    rng = demo.rng
    for _attempt in range(50):
        digits = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(prefix.replace(" ", ""))))
        national = f"{prefix.replace(' ', '')}{digits}"
        try:
            identifiers.clean_phone(national)
        except ValueError:
            continue  # e.g. 07 0x is not allocated to mobiles
        pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
        # Some records were typed from business cards in international form.
        return f"+33 {pairs[1:]}" if rng.random() < 0.35 else pairs
    raise RuntimeError(f"No valid number found after {prefix}.")


def _siren(demo: Demo) -> str:
    """A 9-digit SIREN that passes the Luhn check, as real ones do."""
    body = [demo.rng.randint(1, 9)] + [demo.rng.randint(0, 9) for _ in range(7)]
    total = 0
    for position, digit in enumerate(reversed(body)):
        doubled = digit * 2 if position % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return "".join(map(str, body)) + str((10 - total % 10) % 10)


def _create_contacts(demo: Demo, client: Client, actor: User) -> list[int]:
    rng = demo.rng
    low, high = {Segment.MASS: (1, 2), Segment.INTERMEDIATE: (1, 3), Segment.KEY_ACCOUNT: (2, 3)}[client.segment]
    domain = client.email.partition("@")[2]
    ids = []
    wanted = rng.randint(low, high)
    people: list[tuple[str, str, bool]] = []
    while len(people) < wanted:
        is_woman = rng.random() < 0.5
        first_name = rng.choice(words.FIRST_NAMES_F if is_woman else words.FIRST_NAMES_M)
        person = (first_name, rng.choice(words.LAST_NAMES), is_woman)
        if person not in people:
            people.append(person)
    for position, (first_name, last_name, is_woman) in enumerate(people):
        local = normalise_text(f"{first_name} {last_name}").replace(" ", ".")
        mobile = _typed_number(demo, f"0{rng.choice('67')}")
        contact = services.contact_create(
            actor=actor,
            client_id=client.pk,
            first_name=first_name,
            last_name=last_name,
            role=rng.choice(words.CONTACT_ROLES)[1 if is_woman else 0],
            phone=mobile if rng.random() > 0.15 else "",
            email=f"{local}@{domain}" if domain else "",
            is_primary=position == 0,
        )
        ids.append(contact.pk)
    demo.counts["contacts"] += len(ids)
    return ids


def _weighted(demo: Demo, weights: dict) -> str:
    return demo.rng.choices(list(weights), weights=list(weights.values()))[0]


class _Unique:
    """Values not handed out yet; `make` draws until it finds one (dedup on a normalised key)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def take(self, key: str) -> None:
        self.seen.add(key)

    def make(self, draw, key=normalise_text) -> str:
        for _attempt in range(50):
            value = draw()
            if key(value) not in self.seen:
                self.seen.add(key(value))
                return value
        raise RuntimeError("Demo word lists are too small for this many clients.")
