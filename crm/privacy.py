"""Personal data of the people the client record names (GDPR): export all of it, or erase it.

A contact person is the one kind of person the client record holds data about. What is held about
them: their contact row, the contacts logged with them (subject and notes), their place in the
client's search columns, and the trace events about them, which carry ids only (see `crm.events`).

Erasing deletes the contact row (the interactions logged with them keep their place on the timeline,
without a contact), strikes their name, e-mail and numbers out of the client's timeline texts, and
rebuilds the search columns. The trace is untouched, so `verify_trace` still passes: the erasure is
itself an event, by id. Only an organisation admin or a manager of the client's agency may do either
(and management commands, acting as the organisation).
"""

import re
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import User
from common.errors import NotFound, PermissionDenied
from crm import events
from crm.identifiers import display_phone
from crm.models import Contact, Interaction
from crm.search import normalise_text
from crm.selectors import contact_get_for_user
from crm.services import client_refresh_search
from trace.models import TraceEvent
from trace.services import trace_append

# What replaces the erased person's name, address or number in a timeline text.
STRUCK_OUT = "***"
# Shorter last names are too often ordinary words to strike out on their own.
MIN_LAST_NAME_ALONE = 3


def may_handle_personal_data(*, user: User, agency_id: int) -> bool:
    """Who exports and erases the personal data of a client's contacts: the agency's managers, admins."""
    return (
        user is rights.SYSTEM
        or rights.is_org_admin(user)
        or rights.has_agency_perm(user, rights.MANAGE_UNIT, agency_id)
    )


def _contact_for_privacy(*, actor: User, contact_id: int | str) -> Contact:
    """The contact, if the actor may hand out or erase its data: admins and the agency's managers.

    Out of the actor's scope (or missing): NotFound. Seen but not managed: PermissionDenied.
    """
    if actor is rights.SYSTEM:
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is None:
            raise NotFound()
    else:
        contact = contact_get_for_user(user=actor, contact_id=contact_id)
        if not may_handle_personal_data(user=actor, agency_id=contact.client.agency_id):
            raise PermissionDenied(
                _("Only a manager of the client's agency or an administrator handles personal data.")
            )
    return Contact.objects.select_for_update(of=("self",)).select_related("client__agency").get(pk=contact.pk)


def _events_about(contact: Contact):
    return TraceEvent.objects.filter(client_id=contact.client_id).filter(
        Q(object_type=Contact._meta.label_lower, object_id=str(contact.pk)) | Q(payload__contact=contact.pk)
    )


@transaction.atomic
def contact_export(*, actor: User, contact_id: int | str) -> dict[str, Any]:
    """Everything held about the contact person, as JSON-ready data. The hand-out is traced (by id)."""
    contact = _contact_for_privacy(actor=actor, contact_id=contact_id)
    interactions = Interaction.objects.filter(contact=contact).select_related("author").order_by("occurred_at", "pk")
    data = {
        "exported_at": timezone.now().isoformat(),
        "contact": {
            "id": contact.pk,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "role": contact.role,
            "phone": contact.phone,
            "email": contact.email,
            "is_primary": contact.is_primary,
        },
        "client": {"id": contact.client_id, "name": contact.client.name, "agency": contact.client.agency.name},
        "interactions": [
            {
                "id": interaction.pk,
                "occurred_at": interaction.occurred_at.isoformat(),
                "channel": interaction.channel,
                "direction": interaction.direction,
                "subject": interaction.subject,
                "notes": interaction.notes,
                "logged_by": str(interaction.author) if interaction.author else None,
            }
            for interaction in interactions
        ],
        "trace": [
            {"id": event.pk, "action": event.action, "at": event.created_at.isoformat(), "actor": event.actor_id}
            for event in _events_about(contact).order_by("id")
        ],
    }
    trace_append(actor=actor, action=events.CONTACT_EXPORTED, obj=contact, client_id=contact.client_id,
                 payload={"contact": contact.pk})  # fmt: skip
    return data


def _identifying_patterns(contact: Contact) -> list[re.Pattern[str]]:
    """What names the person in free text: full name both ways, last name alone, e-mail, numbers."""
    literal: list[str] = []
    if contact.first_name and contact.last_name:
        literal += [f"{contact.first_name} {contact.last_name}", f"{contact.last_name} {contact.first_name}"]
    last_name = contact.last_name.strip()
    # The last name alone, unless it is also the company's (then it names the client, not the person).
    if len(last_name) >= MIN_LAST_NAME_ALONE and normalise_text(last_name) not in normalise_text(contact.client.name):
        literal.append(last_name)
    if contact.email:
        literal.append(contact.email)
    if contact.phone:
        literal += [contact.phone, display_phone(contact.phone), display_phone(contact.phone).replace(" ", "")]
    patterns = []
    for text in sorted(set(filter(None, literal)), key=len, reverse=True):
        patterns.append(re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE))
    return patterns


def _strike_out(text: str, patterns: list[re.Pattern[str]]) -> str:
    for pattern in patterns:
        text = pattern.sub(STRUCK_OUT, text)
    return text


@transaction.atomic
def contact_erase(*, actor: User, contact_id: int | str) -> int:
    """Erase the contact person from the client record; returns the number of timeline texts struck.

    Traced as `crm.contact.erased` with the contact's id and that number, nothing else.
    """
    contact = _contact_for_privacy(actor=actor, contact_id=contact_id)
    client, erased_id = contact.client, contact.pk
    patterns = _identifying_patterns(contact)
    struck = []
    for interaction in Interaction.objects.filter(client=client).only("pk", "subject", "notes"):
        subject, notes = _strike_out(interaction.subject, patterns), _strike_out(interaction.notes, patterns)
        if (subject, notes) != (interaction.subject, interaction.notes):
            interaction.subject, interaction.notes = subject, notes
            struck.append(interaction)
    Interaction.objects.bulk_update(struck, ["subject", "notes"], batch_size=500)
    contact.delete()
    client_refresh_search(client=client)
    trace_append(actor=actor, action=events.CONTACT_ERASED, object_type=Contact._meta.label_lower,
                 object_id=erased_id, client_id=client.pk,
                 payload={"contact": erased_id, "texts_struck": len(struck)})  # fmt: skip
    return len(struck)
