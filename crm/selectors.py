"""Every read of the client record, already scoped to what the user may see (DESIGN.md section 5)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Func, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import InvalidInput, NotFound
from crm.models import (
    Client,
    ClientGroupObjectPermission,
    ClientUserObjectPermission,
    Contact,
    Interaction,
    Product,
)
from crm.search import normalise_phone, normalise_text


def _explicit_client_grants(user: User, perm: str) -> Q:
    """Record-level exceptions: clients shared with the user or one of their teams."""
    codename = f"{perm}"
    direct = ClientUserObjectPermission.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )
    via_groups = ClientGroupObjectPermission.objects.filter(group__user=user, permission__codename=codename).values(
        "content_object_id"
    )
    return Q(pk__in=direct) | Q(pk__in=via_groups)


def clients_visible(*, user: User, perm: str = rights.VIEW_CLIENTS) -> QuerySet[Client]:
    """Clients of the agencies where the user holds `perm`, plus clients shared with them explicitly."""
    if not user.is_authenticated:
        return Client.objects.none()
    agency_ids = rights.agencies_where(user, perm)
    scope = Q(agency_id__in=agency_ids) | _explicit_client_grants(user, "view_client")
    return Client.objects.filter(scope)


def client_get_for_user(*, user: User, client_id: int | str, perm: str = rights.VIEW_CLIENTS) -> Client:
    """The client if the user may see it; otherwise NotFound, whether it exists or not."""
    try:
        return clients_visible(user=user, perm=perm).select_related("agency", "account_owner").get(pk=int(client_id))
    except (Client.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def user_can(*, user: User, perm: str, client: Client) -> bool:
    return rights.has_agency_perm(user, perm, client.agency_id)


def _similarity(query: str):
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramStrictWordSimilarity

        return TrigramStrictWordSimilarity(Value(query), "search_names")
    return Func(Value(query), F("search_names"), function="relais_strict_word_similarity", output_field=FloatField())


@dataclass(frozen=True)
class SearchTerms:
    text: str
    phone: str
    email: str


def parse_search(q: str) -> SearchTerms:
    """What a search box's text asks for; InvalidInput (400 naming `q`) for text nobody can type."""
    q = (q or "").strip()
    if "\x00" in q:
        raise InvalidInput({"q": _("The search text cannot contain a NUL character.")})
    phone = normalise_phone(q) if sum(ch.isdigit() for ch in q) >= 6 and not q.count("@") else ""
    return SearchTerms(text=normalise_text(q), phone=phone, email=q.lower() if "@" in q else "")


# A search says how many clients matched up to this many; past it, "more than" (counting every match
# of a fuzzy search over a large agency would cost more than the page itself).
SEARCH_COUNT_CAP = 200


def client_search(*, user: User, q: str, limit: int = 20, offset: int = 0) -> QuerySet[Client]:
    """Clients in scope matching `q` by name or contact name (typo-tolerant), phone, e-mail or legal id.

    Ranked: exact phone, e-mail or legal id first (score 1), then by name similarity. One page of
    `limit` from `offset`.
    """
    return _client_matches(user=user, q=q)[offset : offset + limit]


def client_search_count(*, user: User, q: str, cap: int = SEARCH_COUNT_CAP) -> int:
    """How many clients `client_search` finds, counted up to `cap` + 1 (more than `cap` when it says so)."""
    return _client_matches(user=user, q=q)[: cap + 1].count()


def _client_matches(*, user: User, q: str) -> QuerySet[Client]:
    terms = parse_search(q)
    base = clients_visible(user=user).select_related("agency", "account_owner")
    if not terms.text:
        return base.none()
    exact = Q(legal_id=q.replace(" ", "").upper()) if terms.text else Q()
    if terms.phone:
        exact |= Q(search_phones__contains=terms.phone)
    if terms.email:
        exact |= Q(search_emails__contains=terms.email)
    threshold = settings.CLIENT_SEARCH_MIN_SIMILARITY
    if terms.phone or terms.email:
        # A number or an address is not a name: don't fuzz it.
        return base.filter(exact).annotate(score=Value(1.0, output_field=FloatField())).order_by("name", "pk")
    ranked = base.annotate(
        similarity=_similarity(terms.text),
        score=Greatest(
            F("similarity"),
            Case(
                When(exact, then=Value(1.0)),
                When(search_names__contains=terms.text, then=Value(0.9)),
                default=Value(0.0),
                output_field=FloatField(),
            ),
        ),
    )
    return ranked.filter(score__gte=threshold).order_by("-score", "name", "pk")


def client_lookup_phone(*, user: User, phone: str) -> QuerySet[Client]:
    """Caller-ID: clients in scope whose number (or a contact's) is this one."""
    digits = normalise_phone(phone)
    if len(digits) < 6:
        return Client.objects.none()
    return clients_visible(user=user).filter(search_phones__contains=digits).select_related("agency", "account_owner")


def client_interactions(*, client: Client) -> QuerySet[Interaction]:
    return client.interactions.select_related("author", "team", "contact").order_by("-occurred_at", "-id")


COMPLETENESS_FIELDS = ("legal_id", "phone", "email", "address", "postcode", "city", "account_owner_id")


def client_completeness(*, client: Client, contact_count: int | None = None) -> int:
    """Percent of the record filled in: the identity fields above, plus at least one contact."""
    if contact_count is None:
        contact_count = client.contacts.count()
    filled = sum(1 for name in COMPLETENESS_FIELDS if getattr(client, name))
    filled += 1 if contact_count else 0
    return round(100 * filled / (len(COMPLETENESS_FIELDS) + 1))


def contacts_visible(*, user: User) -> QuerySet[Contact]:
    """Contacts of the clients the user may see."""
    return Contact.objects.filter(client__in=clients_visible(user=user).values("pk"))


def contact_get_for_user(*, user: User, contact_id: int | str) -> Contact:
    try:
        return contacts_visible(user=user).get(pk=int(contact_id))
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def interactions_visible(*, user: User) -> QuerySet[Interaction]:
    """The timelines of the clients the user may see, newest first."""
    return (
        Interaction.objects.filter(client__in=clients_visible(user=user).values("pk"))
        .select_related("author", "team")
        .order_by("-occurred_at", "-id")
    )


def interaction_get_for_user(*, user: User, interaction_id: int | str) -> Interaction:
    try:
        return interactions_visible(user=user).get(pk=int(interaction_id))
    except (Interaction.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def products() -> QuerySet[Product]:
    """The catalogue: the same for everyone signed in."""
    return Product.objects.order_by("family", "name", "pk")


def product_get(*, product_id: int | str) -> Product:
    try:
        return products().get(pk=int(product_id))
    except (Product.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def clients_with_list_data(*, clients: QuerySet[Client]) -> QuerySet[Client]:
    """What a list of clients shows (agency, owner, contact count for completeness), in the same query.

    The count is a correlated subquery rather than a join, so paginating counts clients alone.
    """
    contact_count = (
        Contact.objects.filter(client=OuterRef("pk")).order_by().values("client").annotate(n=Count("pk")).values("n")
    )
    return clients.select_related("agency", "account_owner").annotate(
        contact_count=Coalesce(Subquery(contact_count), Value(0))
    )


def can_set_account_owner(*, user: User, agency_id: int) -> bool:
    """Who names a client's account owner: a manager of the client's agency, or an administrator."""
    return (
        user is rights.SYSTEM
        or rights.is_org_admin(user)
        or rights.has_agency_perm(user, rights.MANAGE_UNIT, agency_id)
    )


def account_owner_eligible(*, person: User, agency_id: int) -> bool:
    """An account owner is a salesperson covering the client's agency: someone who works its leads."""
    return rights.people_holding(perm=rights.WORK_LEADS, agency_id=agency_id).filter(pk=person.pk).exists()


def account_owner_choices(*, agency_ids: list[int]) -> dict[int, list[User]]:
    """The people who may own the accounts of each agency, in name order: two queries for any number."""
    return rights.people_holding_by_agency(perm=rights.WORK_LEADS, agency_ids=agency_ids)
