"""Who hears about what. One notification per (person, event), whatever retries happen.

A notification says what happened to which item; it never copies a lead's content, so the bell and
the e-mail can be seen by anyone the lead's status may be shown to.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from trace.models import TraceEvent
from workflow.models import ItemKind, Lead, Notification, ServiceRequest
from workflow.routing import team_members

VERBS = {
    "created": gettext_lazy("New %(item)s for you"),
    "claimed": gettext_lazy("%(item)s was taken in charge"),
    "assigned": gettext_lazy("%(item)s was assigned to you"),
    "transferred": gettext_lazy("%(item)s was transferred to your team"),
    "waiting_client": gettext_lazy("%(item)s is waiting for the client"),
    "resolved": gettext_lazy("%(item)s was resolved"),
    "reopened": gettext_lazy("%(item)s was reopened"),
    "cancelled": gettext_lazy("%(item)s was cancelled"),
    "requalified": gettext_lazy("%(item)s was requalified"),
    "commented": gettext_lazy("New comment on %(item)s"),
    "accepted": gettext_lazy("%(item)s was accepted"),
    "won": gettext_lazy("%(item)s was won"),
    "lost": gettext_lazy("%(item)s was lost"),
    "reassigned": gettext_lazy("%(item)s was reassigned to you"),
    "sla_reminder": gettext_lazy("%(item)s is past its target: please act"),
    "sla_escalation": gettext_lazy("%(item)s is overdue and escalated to you"),
    "callback_due": gettext_lazy("Time to call the client back about %(item)s"),
}


def holders(item: ServiceRequest | Lead) -> list[User]:
    """Who must act on the item: its assignee, or its team's members while nobody holds it."""
    people = [item.assignee] if item.assignee_id else (team_members(item.team) if item.team_id else [])
    return [person for person in people if person.is_active]


def recipients_for(*, verb: str, item: ServiceRequest | Lead, actor_id: int | None) -> list[User]:
    if verb in ("created", "transferred", "assigned", "reassigned", "reopened"):
        people = holders(item)
    elif verb in ("claimed", "waiting_client", "resolved", "cancelled", "requalified", "accepted", "won", "lost"):
        people = [item.sender] if item.sender_id else []
    elif verb == "commented":
        # A lead's comments are its content: only its holder hears of them.
        people = holders(item) + ([item.sender] if isinstance(item, ServiceRequest) and item.sender_id else [])
    else:
        people = []
    unique = {person.pk: person for person in people if person and person.is_active and person.pk != actor_id}
    return list(unique.values())


def _item_for_event(event: TraceEvent) -> ServiceRequest | Lead | None:
    model = ServiceRequest if event.object_type == ServiceRequest._meta.label_lower else Lead
    return model.objects.select_related("assignee", "sender", "team").filter(pk=event.object_id).first()


def notify_people(*, key: str, verb: str, item: ServiceRequest | Lead, people: list[User]) -> list[Notification]:
    """Create the notifications that do not exist yet for `key`; return the new ones."""
    kind = ItemKind.SERVICE_REQUEST if isinstance(item, ServiceRequest) else ItemKind.LEAD
    created = []
    for person in people:
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=person, key=key, verb=verb, item_kind=kind, item_id=item.pk, client_id=item.client_id
                    )
                )
        except IntegrityError:
            continue  # already notified for this key: a retried task
    for notification in created:
        notification_id = notification.pk
        transaction.on_commit(lambda pk=notification_id: _queue_email(pk))
    return created


def _queue_email(notification_id: int) -> None:
    from workflow.tasks import send_notification_email

    send_notification_email.delay(notification_id)


def notify_for_event(*, event_id: int) -> list[Notification]:
    """Turn a workflow trace event into notifications. Safe to run twice."""
    event = TraceEvent.objects.filter(pk=event_id).first()
    if event is None or not event.action.startswith("workflow."):
        return []
    verb = event.action.rsplit(".", 1)[-1]
    if verb not in VERBS:
        return []
    item = _item_for_event(event)
    if item is None:
        return []
    people = recipients_for(verb=verb, item=item, actor_id=event.actor_id)
    return notify_people(key=f"event:{event.pk}", verb=verb, item=item, people=people)


def notification_text(notification: Notification) -> str:
    prefix = "SR" if notification.item_kind == ItemKind.SERVICE_REQUEST else "L"
    return str(VERBS.get(notification.verb, notification.verb)) % {"item": f"{prefix}-{notification.item_id}"}


def notification_url(notification: Notification) -> str:
    name = "workflow:request-detail" if notification.item_kind == ItemKind.SERVICE_REQUEST else "workflow:lead-detail"
    try:
        return reverse(name, args=[notification.item_id])
    except NoReverseMatch:
        return ""


def send_email_for(*, notification_id: int) -> bool:
    """Send the e-mail of one notification at most once (the conditional UPDATE is the guard)."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    if not recipient.email:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = notification_text(notification)
        url = notification_url(notification)
        body = _("%(text)s\n\nOpen it in Relais: %(url)s") % {"text": text, "url": url} if url else text
        send_mail(subject=f"[Relais] {text}", message=body, from_email=None, recipient_list=[recipient.email])
    return True


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    from config.errors import NotFound

    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
