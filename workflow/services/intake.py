"""Channel intake (DESIGN.md section 6): the public web form and inbound e-mail.

No person acts: the message finds (or creates) its client, is logged on the client's timeline, and a
service request or a lead is routed by the same rules as one written by a reception agent.

What the writer typed (name, e-mail, message) goes to the client record, the interaction's notes and
the item's description, never into a trace payload: the services called here trace ids and codes.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Agency
from common.errors import InvalidInput
from crm.models import Channel, Client, Direction, Interaction
from crm.search import normalise_phone
from crm.services import client_create_from_channel, interaction_log
from workflow.models import ItemKind, Lead, ServiceRequest
from workflow.services.leads import lead_create
from workflow.services.requests import category_or_error, check_category_fields, service_request_create

INTAKE_CHANNELS = (Channel.WEB, Channel.EMAIL)
# Shorter numbers match too many records to identify anyone.
MIN_PHONE_DIGITS = 8


@dataclass(frozen=True)
class IntakeResult:
    client: Client
    interaction: Interaction
    item: ServiceRequest | Lead


def client_find_for_intake(*, email: str = "", phone: str = "") -> Client | None:
    """The oldest client whose e-mail (or a contact's) is `email`, else whose number is `phone`.

    Unscoped on purpose: the writer is nobody's user, and the client record is shared by all.
    """
    email = (email or "").strip().lower()
    if email:
        candidates = Client.objects.filter(search_emails__contains=email).order_by("pk")
        # `contains` also matches inside a longer address: keep whole-word matches only.
        found = next((c for c in candidates if email in c.search_emails.split()), None)
        if found is not None:
            return found
    digits = normalise_phone(phone)
    if len(digits) >= MIN_PHONE_DIGITS:
        candidates = Client.objects.filter(search_phones__contains=digits).order_by("pk")
        return next((c for c in candidates if digits in c.search_phones.split()), None)
    return None


def _intake_agency(agency_code: str | None) -> Agency:
    code = (agency_code or "").strip() or settings.INTAKE_DEFAULT_AGENCY_CODE
    agency = Agency.objects.filter(code=code).first() if code else Agency.objects.order_by("code").first()
    if agency is None:
        raise InvalidInput({"agency": _("Unknown agency.")})
    return agency


def _check_input(
    *, channel: str, name: str, email: str, phone: str, company: str, kind: str, category: str | None,
    fields: dict[str, Any] | None,
) -> dict[str, Any]:  # fmt: skip
    """Everything that can be refused is refused before anything is written."""
    errors: dict[str, Any] = {}
    if channel not in INTAKE_CHANNELS:
        errors["channel"] = _("Unknown channel.")
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose a service request or a lead.")
    if not (email or "").strip() and len(normalise_phone(phone)) < MIN_PHONE_DIGITS:
        errors["email"] = _("Give an e-mail address or a phone number so that we can answer.")
    if not (name or "").strip() and not (company or "").strip():
        errors["name"] = _("Give your name or your company's.")
    if errors:
        raise InvalidInput(errors)
    if kind == ItemKind.SERVICE_REQUEST:
        if not (category or "").strip():
            raise InvalidInput({"category": _("This field is required.")})
        return check_category_fields(category_or_error(category), fields)
    return dict(fields or {})


@transaction.atomic
def intake_submit(
    *,
    channel: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    company: str = "",
    message: str = "",
    subject: str = "",
    kind: str = ItemKind.SERVICE_REQUEST,
    category: str | None = None,
    fields: dict[str, Any] | None = None,
    agency_code: str | None = None,
) -> IntakeResult:
    """Take in a message from a public channel: find or create the client, log it, route the work.

    `agency_code` is where a new client is filed (default: settings.INTAKE_DEFAULT_AGENCY_CODE, else
    the first agency by code); an existing client keeps its own agency and so its own routing.
    """
    fields = _check_input(channel=channel, name=name, email=email, phone=phone, company=company, kind=kind,
                          category=category, fields=fields)  # fmt: skip
    email = (email or "").strip().lower()
    phone = (phone or "").strip()
    subject = (subject or "").strip()[:200] or (
        _("Message from the web form") if channel == Channel.WEB else _("E-mail without a subject")
    )
    client = client_find_for_intake(email=email, phone=phone)
    if client is None:
        company, name = (company or "").strip(), (name or "").strip()
        client = client_create_from_channel(
            channel=channel, name=company or name, agency=_intake_agency(agency_code), email=email, phone=phone,
            contact_name=name if company else "",
        )  # fmt: skip
    contact = client.contacts.filter(email__iexact=email).order_by("pk").first() if email else None
    interaction = interaction_log(
        actor=None, client_id=client.pk, channel=channel, direction=Direction.INBOUND, subject=subject,
        notes=message or "", contact_id=contact.pk if contact else None, check_rights=False,
    )  # fmt: skip
    if kind == ItemKind.SERVICE_REQUEST:
        item: ServiceRequest | Lead = service_request_create(
            sender=None, client_id=client.pk, category=category, subject=subject, description=message or "",
            fields=fields, origin_channel=channel, check_rights=False,
        )  # fmt: skip
    else:
        item = lead_create(sender=None, client_id=client.pk, subject=subject, description=message or "",
                           origin_channel=channel, check_rights=False)  # fmt: skip
    return IntakeResult(client=client, interaction=interaction, item=item)
