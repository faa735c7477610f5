"""Every write to the client record. Each checks the caller's rights, then writes and traces."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Agency, Team, User
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm import events
from crm.models import (
    Channel,
    Client,
    ClientStatus,
    Complexity,
    Contact,
    Direction,
    Interaction,
    Product,
    Segment,
)
from crm.search import normalise_phone, normalise_text, strict_word_similarity
from crm.selectors import client_get_for_user, clients_visible
from trace.services import org_chain, trace_append

CLIENT_FIELDS = ("name", "legal_id", "segment", "status", "agency", "account_owner", "phone", "email",
                 "address", "postcode", "city")  # fmt: skip
CONTACT_FIELDS = ("first_name", "last_name", "role", "phone", "email", "is_primary")
DUPLICATE_NAME_SIMILARITY = 0.6


def client_refresh_search(*, client: Client) -> None:
    """Rebuild the client's search columns from it and its contacts."""
    contacts = list(client.contacts.all())
    names = [client.name] + [f"{c.first_name} {c.last_name}" for c in contacts]
    phones = [client.phone] + [c.phone for c in contacts]
    emails = [client.email] + [c.email for c in contacts]
    client.search_names = " ".join(filter(None, (normalise_text(n) for n in names)))
    client.search_phones = " ".join(filter(None, (normalise_phone(p) for p in phones)))
    client.search_emails = " ".join(e.lower() for e in emails if e)
    Client.objects.filter(pk=client.pk).update(
        search_names=client.search_names, search_phones=client.search_phones, search_emails=client.search_emails
    )


def client_find_duplicates(*, user: User, name: str, phone: str = "", legal_id: str = "",
                           exclude_id: int | None = None) -> list[Client]:  # fmt: skip
    """Clients the user can see that look like the one described: same phone, legal id, or near name."""
    visible = clients_visible(user=user)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    found: dict[int, Client] = {}
    digits = normalise_phone(phone)
    if len(digits) >= 6:
        for client in visible.filter(search_phones__contains=digits)[:10]:
            found[client.pk] = client
    if legal_id:
        for client in visible.filter(legal_id=legal_id)[:10]:
            found[client.pk] = client
    wanted = normalise_text(name)
    if wanted:
        # Narrow by the first letters of each word in SQL, then measure in Python.
        first_word = wanted.split()[0]
        for client in visible.filter(search_names__contains=first_word[:3])[:200]:
            if strict_word_similarity(wanted, normalise_text(client.name)) >= DUPLICATE_NAME_SIMILARITY:
                found[client.pk] = client
    return sorted(found.values(), key=lambda c: (c.name, c.pk))


def _clean_client_data(*, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = _("A client needs a name.")
    if "segment" in data and data["segment"] not in Segment.values:
        errors["segment"] = _("Unknown segment.")
    agency = data.get("agency")
    if "agency" in data:
        if not isinstance(agency, Agency):
            errors["agency"] = _("Choose an agency.")
        elif not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, agency.pk):
            errors["agency"] = _("You cannot create or move clients in this agency.")
    owner = data.get("account_owner")
    if owner is not None and not (isinstance(owner, User) and owner.is_active):
        errors["account_owner"] = _("Choose an active person.")
    if errors:
        raise InvalidInput(errors)
    return data


@transaction.atomic
def client_create(*, actor: User, confirm: bool = False, **data: Any) -> Client:
    """Create a client; if it looks like one the user can already see, answer the candidates first.

    Raises Conflict with `candidates` unless `confirm` is true.
    """
    missing = {field: _("This field is required.") for field in ("name", "agency") if not data.get(field)}
    if missing:
        raise InvalidInput(missing)
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput({field: _("Unknown field.") for field in sorted(unknown)})
    _clean_client_data(actor=actor, data=data)
    if not confirm:
        candidates = client_find_duplicates(
            user=actor, name=data["name"], phone=data.get("phone", ""), legal_id=data.get("legal_id", "")
        )
        if candidates:
            raise Conflict(
                _("This client looks like an existing one. Check the candidates, or confirm to create it anyway."),
                candidates=[{"id": c.pk, "name": c.name, "phone": c.phone, "agency": c.agency_id} for c in candidates],
            )
    client = Client.objects.create(**data)
    client_refresh_search(client=client)
    trace_append(
        actor=actor,
        action=events.CLIENT_CREATED,
        obj=client,
        client_id=client.pk,
        payload={"agency": client.agency_id, "segment": client.segment, "confirmed_duplicate": confirm},
    )
    return client


@transaction.atomic
def client_create_from_channel(
    *, channel: str, name: str, agency: Agency, email: str = "", phone: str = "", contact_name: str = ""
) -> Client:
    """A prospect first met through a public channel (web form, inbound e-mail): no person acts.

    The caller has already looked for an existing client by e-mail and phone. With `contact_name`
    (a company writing in), the person becomes the client's main contact.
    """
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("A client needs a name.")
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if errors:
        raise InvalidInput(errors)
    client = Client.objects.create(
        name=name.strip()[:200], agency=agency, status=ClientStatus.PROSPECT, email=email, phone=phone
    )
    trace_append(
        actor=None,
        action=events.CLIENT_CREATED,
        obj=client,
        client_id=client.pk,
        payload={"agency": client.agency_id, "segment": client.segment, "channel": channel},
    )
    if (contact_name or "").strip():
        first_name, _space, last_name = contact_name.strip().rpartition(" ")
        contact = Contact.objects.create(client=client, first_name=first_name[:100], last_name=last_name[:100],
                                         email=email, phone=phone, is_primary=True)  # fmt: skip
        trace_append(actor=None, action=events.CONTACT_CREATED, obj=contact, client_id=client.pk,
                     payload={"contact": contact.pk, "channel": channel})  # fmt: skip
    client_refresh_search(client=client)
    return client


@transaction.atomic
def client_update(*, actor: User, client_id: int, **data: Any) -> Client:
    client = client_get_for_user(user=actor, client_id=client_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, client.agency_id):
        raise PermissionDenied(_("You cannot edit this client."))
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput({field: _("Unknown field.") for field in sorted(unknown)})
    _clean_client_data(actor=actor, data=data)
    changed = [field for field, value in data.items() if getattr(client, field) != value]
    for field in changed:
        setattr(client, field, data[field])
    if changed:
        client.save()
        client_refresh_search(client=client)
        trace_append(
            actor=actor,
            action=events.CLIENT_UPDATED,
            obj=client,
            client_id=client.pk,
            payload={"fields": sorted(changed), "agency": client.agency_id},
        )
    return client


def _contact_of(*, actor: User, contact_id: int) -> Contact:
    try:
        contact = Contact.objects.select_related("client").get(pk=contact_id)
    except Contact.DoesNotExist:
        raise NotFound() from None
    client_get_for_user(user=actor, client_id=contact.client_id)
    return contact


@transaction.atomic
def contact_create(*, actor: User, client_id: int, **data: Any) -> Contact:
    client = client_get_for_user(user=actor, client_id=client_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, client.agency_id):
        raise PermissionDenied(_("You cannot edit this client's contacts."))
    if not (data.get("last_name") or "").strip():
        raise InvalidInput({"last_name": _("This field is required.")})
    contact = Contact.objects.create(client=client, **{k: v for k, v in data.items() if k in CONTACT_FIELDS})
    client_refresh_search(client=client)
    trace_append(
        actor=actor, action=events.CONTACT_CREATED, obj=contact, client_id=client.pk, payload={"contact": contact.pk}
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact_id: int, **data: Any) -> Contact:
    contact = _contact_of(actor=actor, contact_id=contact_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, contact.client.agency_id):
        raise PermissionDenied(_("You cannot edit this client's contacts."))
    if "last_name" in data and not (data["last_name"] or "").strip():
        raise InvalidInput({"last_name": _("This field is required.")})
    changed = [f for f, v in data.items() if f in CONTACT_FIELDS and getattr(contact, f) != v]
    for field in changed:
        setattr(contact, field, data[field])
    if changed:
        contact.save()
        client_refresh_search(client=contact.client)
        trace_append(
            actor=actor,
            action=events.CONTACT_UPDATED,
            obj=contact,
            client_id=contact.client_id,
            payload={"fields": sorted(changed)},
        )
    return contact


def _author_team(actor: User, client: Client) -> Team | None:
    """The team the author logs for: their open team covering the client's agency, if any."""
    for membership in actor.memberships.filter(ended_at__isnull=True).select_related("team"):
        if membership.team.covers(client.agency):
            return membership.team
    return None


@transaction.atomic
def interaction_log(
    *,
    actor: User | None,
    client_id: int,
    channel: str,
    direction: str,
    subject: str,
    notes: str = "",
    occurred_at: datetime | None = None,
    contact_id: int | None = None,
    check_rights: bool = True,
) -> Interaction:
    """Log a contact with the client on the timeline.

    `check_rights=False` is for channel intake (web form, inbound e-mail), where no person acts.
    """
    if check_rights:
        client = client_get_for_user(user=actor, client_id=client_id)
        if not rights.has_agency_perm(actor, rights.LOG_INTERACTIONS, client.agency_id):
            raise PermissionDenied(_("You cannot log contacts for this client."))
    else:
        client = Client.objects.select_related("agency").get(pk=client_id)
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if direction not in Direction.values:
        errors["direction"] = _("Unknown direction.")
    if not (subject or "").strip():
        errors["subject"] = _("This field is required.")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = _("A contact cannot be logged in the future.")
    if contact_id is not None and not client.contacts.filter(pk=contact_id).exists():
        errors["contact"] = _("This contact does not belong to the client.")
    if errors:
        raise InvalidInput(errors)
    interaction = Interaction.objects.create(
        client=client,
        contact_id=contact_id,
        channel=channel,
        direction=direction,
        author=actor,
        team=_author_team(actor, client) if actor else None,
        occurred_at=occurred_at,
        subject=subject.strip(),
        notes=notes,
    )
    trace_append(
        actor=actor,
        action=events.INTERACTION_LOGGED,
        obj=interaction,
        client_id=client.pk,
        payload={"channel": channel, "direction": direction, "team": interaction.team_id},
    )
    return interaction


PRODUCT_FIELDS = ("code", "name", "family", "complexity", "direct_sale_channels", "owner_commission_share",
                  "is_active")  # fmt: skip


def _clean_product_data(*, data: dict[str, Any], product_id: int | None = None) -> None:
    errors: dict[str, str] = {}
    unknown = set(data) - set(PRODUCT_FIELDS)
    for field in sorted(unknown):
        errors[field] = _("Unknown field.")
    for field in ("code", "name", "family"):
        if field in data and not str(data[field] or "").strip():
            errors[field] = _("This field is required.")
    if "code" in data and Product.objects.filter(code=data["code"]).exclude(pk=product_id).exists():
        errors["code"] = _("A product with this code already exists.")
    if "complexity" in data and data["complexity"] not in Complexity.values:
        errors["complexity"] = _("Unknown complexity.")
    if "direct_sale_channels" in data:
        channels = data["direct_sale_channels"]
        if not isinstance(channels, list) or any(channel not in Channel.values for channel in channels):
            errors["direct_sale_channels"] = _("Choose among the known channels.")
    if "owner_commission_share" in data:
        share = data["owner_commission_share"]
        if not isinstance(share, Decimal) or not Decimal("0") <= share <= Decimal("100"):
            errors["owner_commission_share"] = _("A share is a percentage between 0 and 100.")
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def product_create(*, actor: User, **data: Any) -> Product:
    """Add a product to the catalogue (organisation admins only)."""
    rights.require_org_admin(actor, _("Only organisation admins manage the catalogue."))
    missing = {field: _("This field is required.") for field in ("code", "name", "family", "complexity")
               if field not in data}  # fmt: skip
    if missing:
        raise InvalidInput(missing)
    _clean_product_data(data=data)
    if "direct_sale_channels" in data:
        data["direct_sale_channels"] = sorted(set(data["direct_sale_channels"]))
    product = Product.objects.create(**data)
    trace_append(
        actor=actor,
        action=events.PRODUCT_CREATED,
        obj=product,
        chain=org_chain("national"),
        payload={"code": product.code, "complexity": product.complexity, "family": product.family},
    )
    return product


@transaction.atomic
def product_update(*, actor: User, product_id: int, **data: Any) -> Product:
    rights.require_org_admin(actor, _("Only organisation admins manage the catalogue."))
    product = Product.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    _clean_product_data(data=data, product_id=product.pk)
    if "direct_sale_channels" in data:
        data["direct_sale_channels"] = sorted(set(data["direct_sale_channels"]))
    changed = sorted(field for field, value in data.items() if getattr(product, field) != value)
    for field in changed:
        setattr(product, field, data[field])
    if changed:
        product.save(update_fields=changed)
        trace_append(
            actor=actor,
            action=events.PRODUCT_UPDATED,
            obj=product,
            chain=org_chain("national"),
            payload={"code": product.code, "fields": changed},
        )
    return product
