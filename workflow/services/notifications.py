"""Who hears about what, and the e-mail that follows: one notification per (person, key), one e-mail each.

Notifications are written in the transaction of the change they announce, so they exist exactly when
the change does. Each e-mail is recorded in the transactional outbox in that same transaction
(DESIGN.md section 4), published once it commits or later by the outbox's relay when the broker is
down, and retried by its task on SMTP errors; `notification_email_send` makes sure it still goes out
only once, however many times its task runs.

A notification says what happened to which item; it never copies a lead's content, so the bell and
the e-mail can be seen by anyone the lead's status may be shown to.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import agency_managers
from common.errors import NotFound
from trace.catalogue import Audience, EventType
from workflow.kinds import kind_of
from workflow.models import Lead, Notification, ServiceRequest
from workflow.notifications import notification_text, notification_url
from workflow.routing import team_members
from workflow.services.queueing import queue_task

Item = ServiceRequest | Lead

SEND_EMAIL_TASK = "workflow.tasks.send_notification_email"
# After this, a notification is only for the bell: an e-mail a day late is noise.
EMAIL_GIVE_UP_AFTER = timedelta(hours=24)


class EmailInProgress(Exception):
    """Another worker holds the e-mail's lease: it is being sent, or its worker died and the lease runs out
    in `seconds_left`. Try again then: sent by then, nothing happens; not sent, this worker sends it."""

    def __init__(self, seconds_left: float) -> None:
        super().__init__(f"the e-mail is leased for {seconds_left:.0f} more seconds")
        self.seconds_left = seconds_left


def email_lease() -> timedelta:
    # Longer than any SMTP attempt can last (EMAIL_TIMEOUT per step), so a lease only runs out on a
    # worker that died mid-send.
    return timedelta(seconds=settings.NOTIFICATION_EMAIL_LEASE_SECONDS)


def holders(item: Item) -> list[User]:
    """Who must act on the item: its assignee, or its team's members while nobody holds it."""
    people = [item.assignee] if item.assignee_id else (team_members(item.team) if item.team_id else [])
    return [person for person in people if person.is_active]


def recipients(*, event: EventType, item: Item, actor_id: int | None) -> list[User]:
    """The people the catalogue says hear of `event` on `item`; never the person who acted."""
    audience = event.audience
    people: list[User] = []
    if audience in (Audience.HOLDERS, Audience.HOLDERS_AND_SENDER):
        people += holders(item)
    if audience in (Audience.SENDER, Audience.HOLDERS_AND_SENDER) and item.sender_id:
        people.append(item.sender)
    if audience == Audience.MANAGERS:
        people += agency_managers(agency_id=item.client.agency_id)
    unique = {person.pk: person for person in people if person.is_active and person.pk != actor_id}
    return list(unique.values())


def notify(*, event: EventType, item: Item, key: str, actor_id: int | None = None) -> list[Notification]:
    """Write the notifications of `event` on `item` that do not exist yet for `key`; return the new ones.

    Safe to call twice with one key: who already had it for that key is not told again. Each new
    notification's e-mail is queued once the transaction commits.
    """
    if event.notice is None:
        return []
    kind = kind_of(item).routing
    created = []
    for person in recipients(event=event, item=item, actor_id=actor_id):
        row = {"recipient": person, "key": key, "verb": event.notice.verb, "item_kind": kind, "item_id": item.pk,
               "client_id": item.client_id}  # fmt: skip
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(**row))
        except IntegrityError:
            continue  # already notified for this key
    for notification in created:
        if notification.recipient.email:
            queue_task(SEND_EMAIL_TASK, notification.pk, key=f"notification-email:{notification.pk}")
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless it went already; True when this call sent it.

    At most once per notification, whatever deliveries of its task arrive: a worker first takes a
    lease on the notification (a conditional UPDATE, so of two workers only one gets it), sends, and
    only then marks it e-mailed. A failed send gives the lease back and raises, for the task to retry;
    a lease held by another worker raises EmailInProgress, for the task to come back when it runs out
    (that worker may have died). Only a worker dying between the SMTP server's answer and the mark
    could send twice, once its lease ran out; marking before sending would instead lose the e-mail on
    any SMTP error. A notification older than EMAIL_GIVE_UP_AFTER is left to the bell.

    Not one transaction: the SMTP exchange must not hold the database (SQLite's write lock above all).
    """
    now = timezone.now()
    unsent = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, created_at__gte=now - EMAIL_GIVE_UP_AFTER
    )
    leased = unsent.filter(Q(email_lease_until__isnull=True) | Q(email_lease_until__lt=now)).update(
        email_lease_until=now + email_lease()
    )
    if not leased:
        lease_until = unsent.values_list("email_lease_until", flat=True).first()
        if lease_until is not None:
            raise EmailInProgress((lease_until - now).total_seconds())
        return False  # sent already (or too old, or gone)
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        sent = _send(notification)
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_lease_until=None)
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_lease_until=None, **({"emailed_at": timezone.now()} if sent else {})
    )
    return sent


def _send(notification: Notification) -> bool:
    recipient = notification.recipient
    if not recipient.email:
        return False
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        text = notification_text(notification)
        url = notification_url(notification, absolute=True)
        body = _("%(text)s\n\nOpen it in Relais: %(url)s") % {"text": text, "url": url} if url else text
        send_mail(subject=f"[Relais] {text}", message=body, from_email=None, recipient_list=[recipient.email])
    return True


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (reading it twice changes nothing); another's is NotFound."""
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
