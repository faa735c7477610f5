"""One client per company (issue 8): what a new or edited client would duplicate, and the lock that
makes the check hold under concurrent writers.

Two kinds of likeness:
- **Same identifier, anywhere**: the client's own phone, e-mail or legal id is already a client's
  (any agency). That is the same company: the write is refused (409) and `confirm` cannot force it.
  A legal id matches when it is the same, or when one is the SIREN of the other (a SIRET is its
  company's SIREN plus an establishment number). Two SIRETs of one SIREN are two establishments,
  which may be two clients: that is only a look-alike.
- **Look-alike, in scope**: a near name, a contact's number, another establishment of the company,
  among the clients the person can see. They are shown and the person confirms.

A candidate the person may not see is described by its agency only, and by who to ask there (its
managers), never by its name or data: the record is shared, its contents are not.
"""

from dataclasses import dataclass, field

from django.db import connection

from accounts import rights
from accounts.models import Agency, User
from crm.identifiers import siren_of
from crm.models import Client
from crm.search import normalise_phone, normalise_text, strict_word_similarity
from crm.selectors import clients_visible

DUPLICATE_NAME_SIMILARITY = 0.6
MAX_CANDIDATES = 10
# Any fixed number: the key of the PostgreSQL advisory lock that serialises writes of client identities.
_IDENTITY_LOCK_KEY = 0x52454C41_4953  # "RELAIS"


def lock_client_identities() -> None:
    """Hold, until the transaction ends, the right to create a client or change its identifiers.

    Called inside the writing transaction before the duplicate check, so that of ten simultaneous
    creations of one company the second sees the first. PostgreSQL: a transaction-level advisory lock.
    SQLite: every write transaction already begins as the only writer (`BEGIN IMMEDIATE`, see
    docs/decisions.md), so the check and the insert cannot interleave.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IDENTITY_LOCK_KEY])


@dataclass(frozen=True)
class Candidate:
    """A client the person may open, and what it has in common with the one described."""

    client: Client
    matched_on: tuple[str, ...]


@dataclass(frozen=True)
class ElsewhereAgency:
    """Clients out of the person's scope that share an identifier, told by their agency only."""

    agency: Agency
    matched_on: tuple[str, ...]
    managers: tuple[str, ...]


@dataclass(frozen=True)
class Duplicates:
    candidates: list[Candidate] = field(default_factory=list)
    elsewhere: list[ElsewhereAgency] = field(default_factory=list)
    # Some identifier (phone, e-mail, legal id) is already a client's: confirming cannot help.
    same_identifier: bool = False

    def __bool__(self) -> bool:
        return bool(self.candidates or self.elsewhere)


def _same_identifier_matches(*, phone: str, email: str, legal_id: str, exclude_id: int | None) -> dict[int, set[str]]:
    """Clients anywhere whose own phone, e-mail or legal id is the one given, with what matched."""
    matches: dict[int, set[str]] = {}
    others = Client.objects.exclude(pk=exclude_id) if exclude_id else Client.objects.all()
    digits = normalise_phone(phone)
    if digits:
        # The search column holds the client's and its contacts' numbers (trigram-indexed on
        # PostgreSQL); only the client's own number is the company's.
        for pk, own_phone in others.filter(search_phones__contains=digits).values_list("pk", "phone")[:200]:
            if normalise_phone(own_phone) == digits:
                matches.setdefault(pk, set()).add("phone")
    if email:
        # Stored lowercased (crm.identifiers, and migration 0003 for older rows): an indexed equality.
        for pk in others.filter(email=email).values_list("pk", flat=True)[:MAX_CANDIDATES]:
            matches.setdefault(pk, set()).add("email")
    if legal_id:
        siren = siren_of(legal_id)
        for pk, other in others.filter(legal_id__startswith=siren).values_list("pk", "legal_id")[:200]:
            if other in (legal_id, siren) or legal_id == siren_of(other):
                matches.setdefault(pk, set()).add("legal_id")
    return matches


def _look_alikes(*, user: User, name: str, phone: str, legal_id: str, exclude_id: int | None) -> dict[int, set[str]]:
    """Clients the user can see that look like the one described without sharing its identifiers."""
    visible = clients_visible(user=user)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    matches: dict[int, set[str]] = {}
    digits = normalise_phone(phone)
    if len(digits) >= 6:
        for pk in visible.filter(search_phones__contains=digits).values_list("pk", flat=True)[:MAX_CANDIDATES]:
            matches.setdefault(pk, set()).add("contact_phone")
    if legal_id:
        for pk in visible.filter(legal_id__startswith=siren_of(legal_id)).values_list("pk", flat=True)[:MAX_CANDIDATES]:
            matches.setdefault(pk, set()).add("company")
    wanted = normalise_text(name)
    if wanted:
        # Narrow by the first letters of the first word in SQL, then measure in Python.
        first_word = wanted.split()[0]
        for pk, other in visible.filter(search_names__contains=first_word[:3]).values_list("pk", "name")[:200]:
            if strict_word_similarity(wanted, normalise_text(other)) >= DUPLICATE_NAME_SIMILARITY:
                matches.setdefault(pk, set()).add("name")
    return matches


def client_duplicates(*, user: User, name: str = "", phone: str = "", email: str = "", legal_id: str = "",
                      exclude_id: int | None = None) -> Duplicates:  # fmt: skip
    """What the client described (identifiers already cleaned) would duplicate, as `user` may be told.

    Call under `lock_client_identities()` when the answer decides a write.
    """
    same = _same_identifier_matches(phone=phone, email=email, legal_id=legal_id, exclude_id=exclude_id)
    alike = _look_alikes(user=user, name=name, phone=phone, legal_id=legal_id, exclude_id=exclude_id)
    for pk, kinds in same.items():
        # A number or legal id that is the client's own says more than a contact's or an establishment's.
        alike.get(pk, set()).difference_update({"contact_phone"} if "phone" in kinds else set())
        alike.get(pk, set()).difference_update({"company"} if "legal_id" in kinds else set())
    found = {pk: set(kinds) for pk, kinds in alike.items() if kinds}
    for pk, kinds in same.items():
        found.setdefault(pk, set()).update(kinds)
    if not found:
        return Duplicates()
    clients = Client.objects.select_related("agency", "account_owner").in_bulk(list(found))
    seen = set(clients_visible(user=user).filter(pk__in=list(found)).values_list("pk", flat=True))
    candidates = [Candidate(client=clients[pk], matched_on=tuple(sorted(found[pk]))) for pk in found if pk in seen]
    candidates.sort(key=lambda candidate: (candidate.client.name, candidate.client.pk))
    hidden_by_agency: dict[int, set[str]] = {}
    for pk, kinds in same.items():
        if pk not in seen:
            hidden_by_agency.setdefault(clients[pk].agency_id, set()).update(kinds)
    managers = rights.people_holding_by_agency(perm=rights.MANAGE_UNIT, agency_ids=hidden_by_agency)
    agencies = Agency.objects.in_bulk(list(hidden_by_agency))
    elsewhere = [
        ElsewhereAgency(
            agency=agencies[agency_id],
            matched_on=tuple(sorted(kinds)),
            managers=tuple(str(person) for person in managers[agency_id]),
        )  # fmt: skip
        for agency_id, kinds in sorted(hidden_by_agency.items(), key=lambda item: agencies[item[0]].name)
    ]
    return Duplicates(candidates=candidates[:MAX_CANDIDATES], elsewhere=elsewhere, same_identifier=bool(same))
