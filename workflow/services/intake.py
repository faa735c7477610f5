"""Channel intake (DESIGN.md section 6; issue 7, finding 5): the public web form and inbound e-mail.

Nobody proves who they are on a public channel, so a message writes nothing into a client's record
by itself: it is kept as a pending `Intake` with a random public reference, and the answer is the same
whatever exists (no lookup is made while answering). An agent of the agency then matches it to a
client (or files it as a new prospect); only then is it logged on the client's timeline and the
service request or lead opened and routed, as if a reception agent had written it.

What the writer typed stays on the intake, the interaction's notes and the item's description, never
in a trace payload: the events here carry ids and codes.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rights
from accounts.models import Agency, User
from common.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from crm.models import Channel, Client, Direction, Interaction
from crm.search import normalise_phone
from crm.selectors import client_get_for_user, clients_visible
from crm.services import client_create_from_channel, interaction_log
from trace.services import org_chain, trace_append
from workflow import events
from workflow.models import Intake, IntakeStatus, ItemKind, Lead, ServiceRequest
from workflow.services.leads import lead_create
from workflow.services.requests import category_or_error, check_category_fields, service_request_create

INTAKE_CHANNELS = (Channel.WEB, Channel.EMAIL)
# Shorter numbers match too many records to identify anyone.
MIN_PHONE_DIGITS = 8
SUGGESTIONS = 5


@dataclass(frozen=True)
class IntakeResult:
    intake: Intake
    client: Client
    interaction: Interaction
    item: ServiceRequest | Lead


def _perm_for(kind: str) -> str:
    return rights.CREATE_LEADS if kind == ItemKind.LEAD else rights.CREATE_REQUESTS


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
    """Everything that can be refused is refused before anything is written, from the input alone."""
    errors: dict[str, Any] = {}
    if channel not in INTAKE_CHANNELS:
        errors["channel"] = _("Unknown channel.")
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose a service request or a lead.")
    if not (email or "").strip() and len(normalise_phone(phone)) < MIN_PHONE_DIGITS:
        errors["email"] = _("Give an e-mail address or a phone number so that we can answer.")
    # A mail's address is enough to answer it: only the web form asks who is writing.
    if channel == Channel.WEB and not (name or "").strip() and not (company or "").strip():
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
) -> Intake:
    """Keep a message from a public channel for an agent of `agency_code` (default: the site's).

    Looks nothing up: whether the address or number belongs to a client changes neither the answer
    nor the work done, and no client's record is touched.
    """
    fields = _check_input(channel=channel, name=name, email=email, phone=phone, company=company, kind=kind,
                          category=category, fields=fields)  # fmt: skip
    subject = (subject or "").strip()[:200] or (
        _("Message from the web form") if channel == Channel.WEB else _("E-mail without a subject")
    )
    agency = _intake_agency(agency_code)
    intake = Intake.objects.create(
        channel=channel, kind=kind, category=(category or "").strip() if kind == ItemKind.SERVICE_REQUEST else "",
        fields=fields, agency=agency, name=(name or "").strip()[:200], company=(company or "").strip()[:200],
        email=(email or "").strip().lower(), phone=(phone or "").strip()[:30], subject=subject,
        message=message or "",
    )  # fmt: skip
    trace_append(actor=None, action=events.INTAKE_RECEIVED, obj=intake, chain=org_chain(f"agency:{agency.pk}"),
                 payload={"intake": intake.pk, "channel": channel, "kind": kind})  # fmt: skip
    return intake


# --- the agents' side ---------------------------------------------------------------------------


def intakes_visible(*, user: User) -> QuerySet[Intake]:
    """Intakes of the agencies where the user may open requests or leads (reception, back office...)."""
    if not user.is_authenticated:
        return Intake.objects.none()
    agencies = rights.agencies_where(user, rights.CREATE_REQUESTS) | rights.agencies_where(user, rights.CREATE_LEADS)
    return Intake.objects.filter(agency_id__in=agencies)


def intakes_pending(*, user: User) -> QuerySet[Intake]:
    return intakes_visible(user=user).filter(status=IntakeStatus.PENDING).select_related("agency")


def intake_get_for_user(*, user: User, intake_id: int | str) -> Intake:
    try:
        return intakes_visible(user=user).select_related("agency", "client").get(pk=int(intake_id))
    except (Intake.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def intake_suggestions(*, user: User, intake: Intake) -> list[Client]:
    """Clients the agent already sees whose e-mail or number is the writer's: candidates, never a proof."""
    visible = clients_visible(user=user)
    found: list[Client] = []
    if intake.email:
        candidates = visible.filter(search_emails__contains=intake.email).order_by("pk")[:50]
        # `contains` also matches inside a longer address: keep whole-word matches only.
        found += [c for c in candidates if intake.email in c.search_emails.split()]
    digits = normalise_phone(intake.phone)
    if len(digits) >= MIN_PHONE_DIGITS:
        candidates = visible.filter(search_phones__contains=digits).order_by("pk")[:50]
        found += [c for c in candidates if digits in c.search_phones.split() and c not in found]
    return found[:SUGGESTIONS]


def _lock_pending(*, actor: User, intake_id: int | str) -> Intake:
    intake = intake_get_for_user(user=actor, intake_id=intake_id)
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.PENDING:
        raise Conflict(_("This message was already handled by someone else."), status=intake.status)
    if not rights.has_agency_perm(actor, _perm_for(intake.kind), intake.agency_id):
        raise PermissionDenied(_("You may not handle this kind of message."))
    return intake


@transaction.atomic
def intake_match(*, actor: User, intake_id: int | str, client_id: int | str | None) -> IntakeResult:
    """The agent says whose message this is (`client_id`), or files it as a new prospect (None).

    Then the message is logged on that client's timeline and its request or lead opened and routed.
    """
    intake = _lock_pending(actor=actor, intake_id=intake_id)
    created = client_id in (None, "")
    if created:
        client = client_create_from_channel(
            channel=intake.channel, name=intake.company or intake.name or intake.email or intake.phone,
            agency=intake.agency, email=intake.email, phone=intake.phone,
            contact_name=intake.name if intake.company else "",
        )  # fmt: skip
    else:
        client = client_get_for_user(user=actor, client_id=client_id)
        if not rights.has_agency_perm(actor, _perm_for(intake.kind), client.agency_id):
            raise InvalidInput({"client": _("You may not open this kind of work for this client.")})
    contact = client.contacts.filter(email__iexact=intake.email).order_by("pk").first() if intake.email else None
    interaction = interaction_log(
        actor=actor, client_id=client.pk, channel=intake.channel, direction=Direction.INBOUND,
        subject=intake.subject, notes=intake.message, contact_id=contact.pk if contact else None, check_rights=False,
    )  # fmt: skip
    if intake.kind == ItemKind.SERVICE_REQUEST:
        item: ServiceRequest | Lead = service_request_create(
            sender=None, client_id=client.pk, category=intake.category, subject=intake.subject,
            description=intake.message, fields=intake.fields, origin_channel=intake.channel, check_rights=False,
        )  # fmt: skip
    else:
        item = lead_create(sender=None, client_id=client.pk, subject=intake.subject, description=intake.message,
                           origin_channel=intake.channel, check_rights=False)  # fmt: skip
    intake.status, intake.client, intake.handled_by = IntakeStatus.MATCHED, client, actor
    intake.handled_at, intake.item_reference = timezone.now(), item.reference
    intake.save(update_fields=["status", "client", "handled_by", "handled_at", "item_reference"])
    trace_append(actor=actor, action=events.INTAKE_MATCHED, obj=intake, client_id=client.pk,
                 payload={"intake": intake.pk, "item": item.reference, "new_client": created})  # fmt: skip
    return IntakeResult(intake=intake, client=client, interaction=interaction, item=item)


@transaction.atomic
def intake_dismiss(*, actor: User, intake_id: int | str) -> Intake:
    """Spam or a message for nobody: closed without touching any client."""
    intake = _lock_pending(actor=actor, intake_id=intake_id)
    intake.status, intake.handled_by, intake.handled_at = IntakeStatus.DISMISSED, actor, timezone.now()
    intake.save(update_fields=["status", "handled_by", "handled_at"])
    trace_append(actor=actor, action=events.INTAKE_DISMISSED, obj=intake,
                 chain=org_chain(f"agency:{intake.agency_id}"), payload={"intake": intake.pk})  # fmt: skip
    return intake
