"""Every write to the client record. Each checks the caller's rights, then writes and traces.

Edits lock the row they change (`SELECT … FOR UPDATE`), write only the fields that changed and bump the
row's `version`; an edit that names the version it was made from is refused (409) when the row moved
on since, so two people editing one record never lose each other's changes in silence.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rights
from accounts.models import Agency, Team, User
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm import events, identifiers
from crm.duplicates import Duplicates, client_duplicates, lock_client_identities
from crm.models import (
    EARLIEST_INTERACTION,
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
from crm.search import normalise_phone, normalise_text
from crm.selectors import account_owner_eligible, can_set_account_owner, client_get_for_user
from trace.services import org_chain, trace_append

CLIENT_FIELDS = ("name", "legal_id", "segment", "status", "agency", "account_owner", "phone", "email",
                 "address", "postcode", "city")  # fmt: skip
CONTACT_FIELDS = ("first_name", "last_name", "role", "phone", "email", "is_primary")
SEARCHED_FIELDS = ("name", "phone", "email")
# How far ahead of the server's clock a contact may be dated: the author's clock may run a little fast.
INTERACTION_CLOCK_SKEW = timedelta(minutes=5)
# A call has a direction by its channel; the other channels go both ways (a visit, an e-mail, a letter).
CHANNEL_DIRECTION = {Channel.INBOUND_CALL: Direction.INBOUND, Channel.OUTBOUND_CALL: Direction.OUTBOUND}

_CLEANERS = {
    "phone": identifiers.clean_phone,
    "legal_id": identifiers.clean_legal_id,
    "postcode": identifiers.clean_postcode,
    "email": identifiers.clean_email,
}


def _nul_errors(data: dict[str, Any]) -> dict[str, str]:
    return {field: _("This field cannot contain a NUL character.") for field, value in data.items()
            if identifiers.has_nul(value)}  # fmt: skip


def _clean_identifiers(data: dict[str, Any], errors: dict[str, str]) -> None:
    """Put phone, legal id, postcode and e-mail in their stored form, or name them in `errors`."""
    for field, clean in _CLEANERS.items():
        if field in data and field not in errors:
            try:
                data[field] = clean(data[field] or "")
            except ValueError as error:
                errors[field] = str(error)


@transaction.atomic(savepoint=False)
def client_refresh_search(*, client: Client) -> None:
    """Rebuild the client's search columns from it and its contacts, in the caller's transaction if any.

    The client row is locked first (FOR NO KEY UPDATE: adding a contact elsewhere still may), so two
    contacts added at once are both read by whichever refresh comes second: otherwise each would
    write columns built without the other's contact.
    """
    Client.objects.select_for_update(no_key=True).filter(pk=client.pk).values_list("pk").first()
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


def _clean_client_data(*, actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise the fields given (in place); InvalidInput naming every wrong one."""
    errors = _nul_errors(data)
    if "name" in data and "name" not in errors:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            errors["name"] = _("A client needs a name.")
    if "segment" in data and data["segment"] not in Segment.values:
        errors["segment"] = _("Unknown segment.")
    if "status" in data and data["status"] not in ClientStatus.values:
        errors["status"] = _("Unknown status.")
    _clean_identifiers(data, errors)
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


def _check_owner_setting(*, actor: User, agency_id: int, owner: User | None) -> None:
    """Only a manager of the agency or an admin names the owner (403), and only someone eligible (400)."""
    if not can_set_account_owner(user=actor, agency_id=agency_id):
        raise PermissionDenied(_("Only a manager of the client's agency or an administrator sets its account owner."))
    if owner is not None and not account_owner_eligible(person=owner, agency_id=agency_id):
        raise InvalidInput({"account_owner": _("Choose a salesperson who covers the client's agency.")})


def _trace_owner_change(*, actor: User, client: Client, previous_id: int | None, reason: str) -> None:
    trace_append(actor=actor, action=events.CLIENT_OWNER_CHANGED, obj=client, client_id=client.pk,
                 payload={"from": previous_id, "to": client.account_owner_id, "agency": client.agency_id,
                          "reason": reason, "version": client.version})  # fmt: skip


_WHAT_MATCHED = {"phone": gettext_lazy("phone number"), "email": gettext_lazy("e-mail address"),
                 "legal_id": gettext_lazy("SIREN/SIRET")}  # fmt: skip


def _duplicate_conflict(duplicates: Duplicates) -> Conflict:
    """The 409 for a would-be twin: the clients the person may open, and only the agency of the others."""
    matched = sorted({kind for c in duplicates.candidates for kind in c.matched_on if kind in _WHAT_MATCHED}
                     | {kind for e in duplicates.elsewhere for kind in e.matched_on})  # fmt: skip
    if duplicates.same_identifier:
        parts = [_("A client with the same %(what)s already exists: there is one client per company.")
                 % {"what": ", ".join(str(_WHAT_MATCHED[kind]) for kind in matched)}]  # fmt: skip
        for place in duplicates.elsewhere:
            if place.managers:
                parts.append(_("It is filed at the agency %(agency)s: ask %(managers)s to share it with you.")
                             % {"agency": place.agency.name, "managers": ", ".join(place.managers)})  # fmt: skip
            else:
                parts.append(_("It is filed at the agency %(agency)s: ask its managers to share it with you.")
                             % {"agency": place.agency.name})  # fmt: skip
        message = " ".join(parts)
    else:
        message = _("This client looks like an existing one. Check the candidates, or confirm to create it anyway.")
    return Conflict(
        message,
        confirmable=not duplicates.same_identifier,
        candidates=[{"id": c.client.pk, "name": c.client.name, "phone": c.client.phone, "agency": c.client.agency_id,
                     "agency_name": c.client.agency.name, "matched_on": list(c.matched_on)}
                    for c in duplicates.candidates],
        elsewhere=[{"agency": e.agency.pk, "agency_name": e.agency.name, "managers": list(e.managers),
                    "matched_on": list(e.matched_on)} for e in duplicates.elsewhere],
    )  # fmt: skip


@transaction.atomic
def client_create(*, actor: User, confirm: bool = False, **data: Any) -> Client:
    """Create a client, unless it would be a second record of a company already held.

    Raises Conflict (409) when its phone, e-mail or legal id is already a client's, anywhere (whatever
    `confirm` says); and, unless `confirm`, when it looks like a client the actor can see (near name,
    a contact's number, another establishment). Naming an account owner takes a manager of the agency
    or an admin (403), and a salesperson covering it (400).
    """
    missing = {field: _("This field is required.") for field in ("name", "agency") if not data.get(field)}
    if missing:
        raise InvalidInput(missing)
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput({field: _("Unknown field.") for field in sorted(unknown)})
    _clean_client_data(actor=actor, data=data)
    if data.get("account_owner") is not None:
        _check_owner_setting(actor=actor, agency_id=data["agency"].pk, owner=data["account_owner"])
    lock_client_identities()
    duplicates = client_duplicates(user=actor, name=data["name"], phone=data.get("phone", ""),
                                   email=data.get("email", ""), legal_id=data.get("legal_id", ""))  # fmt: skip
    if duplicates.same_identifier or (duplicates and not confirm):
        raise _duplicate_conflict(duplicates)
    client = Client.objects.create(**data)
    client_refresh_search(client=client)
    trace_append(
        actor=actor,
        action=events.CLIENT_CREATED,
        obj=client,
        client_id=client.pk,
        payload={
            "agency": client.agency_id,
            "segment": client.segment,
            "confirmed_duplicate": confirm,
            "account_owner": client.account_owner_id,
        },  # fmt: skip
    )
    return client


@transaction.atomic
def client_create_from_channel(
    *, channel: str, name: str, agency: Agency, email: str = "", phone: str = "", contact_name: str = ""
) -> Client:
    """A prospect first met through a public channel (web form, inbound e-mail): no person acts.

    The caller has already looked for an existing client by e-mail and phone. With `contact_name`
    (a company writing in), the person becomes the client's main contact. A number that is not a
    valid one is not kept (nobody checked it with the writer; the agent who matches the prospect
    completes the record), so the answer does not depend on what the writer typed.
    """
    errors = _nul_errors({"name": name, "email": email, "phone": phone, "contact_name": contact_name})
    if not (name or "").strip():
        errors["name"] = _("A client needs a name.")
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")
    if errors:
        raise InvalidInput(errors)
    try:
        phone = identifiers.clean_phone(phone)
    except ValueError:
        phone = ""
    email = identifiers.clean_email(email)
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


def _stale(*, kind: str, current: int) -> Conflict:
    return Conflict(
        _("Someone else changed this %(kind)s after you opened it. Reload it and make your change again.")
        % {"kind": kind},
        version=current,
    )


@transaction.atomic
def client_update(*, actor: User, client_id: int, version: int | None = None, **data: Any) -> Client:
    """Change the fields given; `version` (optional) is the version the change was made from.

    Called with a stale `version`, answers Conflict (409) with the current one. Moving the client to
    an agency its account owner does not cover removes the owner (traced), unless a manager names a
    new one in the same change. Identifiers shared with another client answer 409 (see client_create).
    """
    client_get_for_user(user=actor, client_id=client_id)
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise InvalidInput({field: _("Unknown field.") for field in sorted(unknown)})
    # Locked before anything is compared: two edits of one client are applied one after the other.
    client = Client.objects.select_for_update(no_key=True, of=("self",)).select_related("agency").get(pk=client_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, client.agency_id):
        raise PermissionDenied(_("You cannot edit this client."))
    if version is not None and version != client.version:
        raise _stale(kind=_("client"), current=client.version)
    _clean_client_data(actor=actor, data=data)
    changed = [field for field, value in data.items() if getattr(client, field) != value]
    previous_owner_id = client.account_owner_id
    owner_reason = ""
    new_agency_id = data["agency"].pk if "agency" in changed else client.agency_id
    if "account_owner" in changed:
        _check_owner_setting(actor=actor, agency_id=new_agency_id, owner=data["account_owner"])
        owner_reason = "set"
    elif (
        "agency" in changed
        and client.account_owner is not None
        and not account_owner_eligible(person=client.account_owner, agency_id=new_agency_id)
    ):
        data["account_owner"] = None
        changed.append("account_owner")
        owner_reason = "agency_moved"
    if not changed:
        return client
    new_identifiers = {field: data[field] for field in ("phone", "email", "legal_id") if field in changed}
    if any(new_identifiers.values()):
        # Only the identifiers this change writes: a record that already shares one (kept from before
        # the rule) can still have its other fields edited.
        lock_client_identities()
        duplicates = client_duplicates(user=actor, exclude_id=client.pk, **new_identifiers)
        if duplicates.same_identifier:
            raise _duplicate_conflict(Duplicates(candidates=[c for c in duplicates.candidates
                                                             if set(c.matched_on) & set(_WHAT_MATCHED)],
                                                 elsewhere=duplicates.elsewhere, same_identifier=True))  # fmt: skip
    for field in changed:
        setattr(client, field, data[field])
    client.version += 1
    client.save(update_fields=[*changed, "version", "updated_at"])
    if any(field in changed for field in SEARCHED_FIELDS):
        client_refresh_search(client=client)
    trace_append(
        actor=actor,
        action=events.CLIENT_UPDATED,
        obj=client,
        client_id=client.pk,
        payload={"fields": sorted(changed), "agency": client.agency_id, "version": client.version},
    )
    if owner_reason:
        _trace_owner_change(actor=actor, client=client, previous_id=previous_owner_id, reason=owner_reason)
    return client


@transaction.atomic
def client_accounts_hand_over(*, actor: User, owner: User, clients: QuerySet[Client], successor: User | None) -> int:
    """Give the accounts `owner` holds among `clients` to `successor` (None: no owner): a handover's part
    (`crm.handover`), under the organisation's transaction.

    The rules of any owner change apply: an administrator or a manager of each agency names the owner
    (403), someone covering the agency (400; the handover's plan has refused such a successor before).
    Each client's version is bumped, so an edit page opened before the handover is refused (409)
    instead of putting the former owner back. Traced on each client's chain as
    `crm.client.account_handed_over`, with the payload of an owner change. Returns how many.
    """
    for agency_id in sorted(set(clients.values_list("agency_id", flat=True))):
        _check_owner_setting(actor=actor, agency_id=agency_id, owner=successor)
    count = 0
    # Locked as client_update locks, so a concurrent edit of one of these clients waits for the handover.
    for client in clients.filter(account_owner=owner).select_for_update(no_key=True, of=("self",)).order_by("pk"):
        client.account_owner = successor
        client.version += 1
        client.save(update_fields=["account_owner", "version", "updated_at"])
        trace_append(actor=actor, action=events.CLIENT_ACCOUNT_HANDED_OVER, obj=client, client_id=client.pk,
                     payload={"from": owner.pk, "to": client.account_owner_id, "agency": client.agency_id,
                              "reason": "handover", "version": client.version})  # fmt: skip
        count += 1
    return count


def _clean_contact_data(data: dict[str, Any]) -> dict[str, Any]:
    errors = _nul_errors(data)
    if "last_name" in data and "last_name" not in errors:
        data["last_name"] = (data["last_name"] or "").strip()
        if not data["last_name"]:
            errors["last_name"] = _("This field is required.")
    for field in ("phone", "email"):
        if field in data and field not in errors:
            try:
                data[field] = _CLEANERS[field](data[field] or "")
            except ValueError as error:
                errors[field] = str(error)
    if errors:
        raise InvalidInput(errors)
    return data


@transaction.atomic
def contact_create(*, actor: User, client_id: int, **data: Any) -> Contact:
    client = client_get_for_user(user=actor, client_id=client_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, client.agency_id):
        raise PermissionDenied(_("You cannot edit this client's contacts."))
    data = {k: v for k, v in data.items() if k in CONTACT_FIELDS}
    if "last_name" not in data:
        raise InvalidInput({"last_name": _("This field is required.")})
    _clean_contact_data(data)
    contact = Contact.objects.create(client=client, **data)
    client_refresh_search(client=client)
    trace_append(
        actor=actor, action=events.CONTACT_CREATED, obj=contact, client_id=client.pk, payload={"contact": contact.pk}
    )
    return contact


def _contact_of(*, actor: User, contact_id: int) -> Contact:
    """The contact, locked for the change, if the actor sees its client; else NotFound."""
    client_id = Contact.objects.filter(pk=contact_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise NotFound()
    client_get_for_user(user=actor, client_id=client_id)
    return Contact.objects.select_for_update(of=("self",)).select_related("client").get(pk=contact_id)


@transaction.atomic
def contact_update(*, actor: User, contact_id: int, version: int | None = None, **data: Any) -> Contact:
    """Change the contact's fields given; a stale `version` answers Conflict (409), as for clients."""
    contact = _contact_of(actor=actor, contact_id=contact_id)
    if not rights.has_agency_perm(actor, rights.EDIT_CLIENTS, contact.client.agency_id):
        raise PermissionDenied(_("You cannot edit this client's contacts."))
    if version is not None and version != contact.version:
        raise _stale(kind=_("contact"), current=contact.version)
    data = _clean_contact_data({k: v for k, v in data.items() if k in CONTACT_FIELDS})
    changed = [f for f, v in data.items() if getattr(contact, f) != v]
    if not changed:
        return contact
    for field in changed:
        setattr(contact, field, data[field])
    contact.version += 1
    contact.save(update_fields=[*changed, "version"])
    client_refresh_search(client=contact.client)
    trace_append(
        actor=actor,
        action=events.CONTACT_UPDATED,
        obj=contact,
        client_id=contact.client_id,
        payload={"fields": sorted(changed), "contact": contact.pk, "version": contact.version},
    )
    return contact


def _author_team(actor: User, client: Client) -> Team | None:
    """The team the author logs for: their open team covering the client's agency, if any."""
    for membership in actor.memberships.filter(ended_at__isnull=True).select_related("team"):
        if membership.team.covers(client.agency):
            return membership.team
    return None


def _occurred_at_error(occurred_at: datetime) -> str:
    """Why this date cannot be a contact's, or "" when it can.

    The year is compared first: converting a date near year 1 to another time zone overflows.
    """
    if occurred_at.year < EARLIEST_INTERACTION.year or occurred_at < EARLIEST_INTERACTION:
        return _("A contact cannot be dated before %(date)s.") % {"date": EARLIEST_INTERACTION.date().isoformat()}
    if occurred_at > timezone.now() + INTERACTION_CLOCK_SKEW:
        return _("A contact cannot be logged in the future.")
    return ""


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

    `occurred_at` lies between EARLIEST_INTERACTION and a few minutes from now; a call's direction is
    its channel's (inbound_call is inbound, outbound_call outbound). `check_rights=False` is for
    channel intake (web form, inbound e-mail), where no person acts.
    """
    if check_rights:
        client = client_get_for_user(user=actor, client_id=client_id)
        if not rights.has_agency_perm(actor, rights.LOG_INTERACTIONS, client.agency_id):
            raise PermissionDenied(_("You cannot log contacts for this client."))
    else:
        client = Client.objects.select_related("agency").get(pk=client_id)
    errors = _nul_errors({"channel": channel, "direction": direction, "subject": subject, "notes": notes})
    if channel not in Channel.values:
        errors.setdefault("channel", _("Unknown channel."))
    if direction not in Direction.values:
        errors.setdefault("direction", _("Unknown direction."))
    elif CHANNEL_DIRECTION.get(channel, direction) != direction:
        errors["direction"] = _("A call's direction is its channel's: an inbound call is inbound, an outbound "
                                "call outbound.")  # fmt: skip
    if not (subject or "").strip():
        errors.setdefault("subject", _("This field is required."))
    elif len(subject.strip()) > Interaction._meta.get_field("subject").max_length:
        errors.setdefault("subject", _("This text is too long."))
    occurred_at = occurred_at or timezone.now()
    if _occurred_at_error(occurred_at):
        errors["occurred_at"] = _occurred_at_error(occurred_at)
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
    errors = _nul_errors(data)
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
