"""Who hears about what, and the e-mail that follows: one notification per (person, key), one e-mail each.

Notifications are written in the transaction of the change they announce, so they exist exactly when
the change does. Each e-mail is recorded in the transactional outbox in that same transaction
(DESIGN.md section 4), published once it commits or later by the outbox's relay when the broker is
down, and retried by its task on SMTP errors; `notification_email_send` makes sure it still goes out
only once, however many times its task runs.

Who hears of an event is the catalogue's `Audience` (workflow/events.py) made into people here, each
with the topic the news is for them (`NotificationTopic`): the same new request is "given to me" for
the person it was routed to and "my team's queue" for each member of the team that must claim it;
to its sender every notice is an outcome, to a manager an escalation. Each person chooses which
topics also come by e-mail (`notification_preferences_set`); the bell always has them all.

A notification stores ids (who acted, which item, which trace event), never words: it is put into
words when read (workflow/notifications.py), so it never copies a lead's content.
"""

from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import agency_managers
from common.errors import InvalidInput, NotFound, PermissionDenied
from trace.catalogue import Audience, EventType
from workflow.events import ACTIVITY_VERBS, LEAVES_THE_QUEUE, REMINDER_VERBS
from workflow.kinds import kind_of
from workflow.models import (
    EMAILED_BY_DEFAULT,
    Lead,
    Notification,
    NotificationPreference,
    NotificationTopic,
    ServiceRequest,
)
from workflow.notifications import describe, email_choices, email_choices_of
from workflow.routing import team_members
from workflow.services.queueing import queue_task

Item = ServiceRequest | Lead

SEND_EMAIL_TASK = "workflow.tasks.send_notification_email"
# After this, a notification is only for the bell: an e-mail a day late is noise.
EMAIL_GIVE_UP_AFTER = timedelta(hours=24)
# An e-mail's subject line: the notification's text, cut where mail clients cut it anyway.
EMAIL_SUBJECT_LENGTH = 150


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


def topic_of(*, verb: str, personal: bool) -> NotificationTopic:
    """What a notice is to someone who holds the item (`personal`) or whose team's queue holds it."""
    if verb in REMINDER_VERBS:
        return NotificationTopic.REMINDERS
    if verb in ACTIVITY_VERBS:
        return NotificationTopic.ACTIVITY
    return NotificationTopic.GIVEN_TO_ME if personal else NotificationTopic.TEAM_QUEUE


def recipients(*, event: EventType, item: Item, actor_id: int | None) -> list[tuple[User, NotificationTopic]]:
    """The people the catalogue says hear of `event` on `item`, each with what it is to them.

    Never the person who acted, and each person once: one who is both holder and sender hears as holder.
    """
    if event.notice is None:
        return []
    audience, verb = event.audience, event.notice.verb
    told: dict[int, tuple[User, NotificationTopic]] = {}

    def tell(people: Iterable[User], topic: NotificationTopic) -> None:
        for person in people:
            if person.is_active and person.pk != actor_id:
                told.setdefault(person.pk, (person, topic))

    if audience in (Audience.HOLDERS, Audience.HOLDERS_AND_SENDER):
        topic = topic_of(verb=verb, personal=bool(item.assignee_id))
        # A comment or a cancellation concerns whoever works on the item; an unheld one is only a line
        # in its team's queue, which shows it as it is.
        if item.assignee_id or topic != NotificationTopic.ACTIVITY:
            tell(holders(item), topic)
    if audience in (Audience.SENDER, Audience.HOLDERS_AND_SENDER) and item.sender_id:
        tell([item.sender], NotificationTopic.OUTCOMES)
    if audience == Audience.MANAGERS:
        tell(agency_managers(agency_id=item.client.agency_id), NotificationTopic.ESCALATIONS)
    return list(told.values())


def _wants_email(choices: Mapping[tuple[int, str], bool], person: User, topic: str) -> bool:
    return bool(person.email) and choices.get((person.pk, topic), topic in EMAILED_BY_DEFAULT)


def _settle_queue_news(*, item_kind: str, item_id: int) -> int:
    """Mark read what a team's queue was told of an item that has left it (taken, transferred, closed).

    "New work in my team's queue" is news while the work waits there; once a colleague took it, or
    it went elsewhere, the queue itself says so, and a bell still counting it would count stale work.
    One UPDATE over a small partial index (unread queue news only).
    """
    unread_queue_news = Notification.objects.filter(
        item_kind=item_kind, item_id=item_id, topic=NotificationTopic.TEAM_QUEUE, read_at__isnull=True
    )
    return unread_queue_news.update(read_at=timezone.now())


def notify(
    *, event: EventType, item: Item, key: str, actor_id: int | None = None, trace_event_id: int | None = None
) -> list[Notification]:
    """Write the notifications of `event` on `item` that do not exist yet for `key`; return the new ones.

    Safe to call twice with one key: who already had it for that key is not told again. The e-mail
    of each new notification its recipient wants by e-mail is queued once the transaction commits.
    An event by which the item leaves its queue first settles what the queue was told of it.
    """
    kind = kind_of(item).routing
    if event.action in LEAVES_THE_QUEUE:
        _settle_queue_news(item_kind=kind, item_id=item.pk)
    told = recipients(event=event, item=item, actor_id=actor_id)
    if not told:
        return []
    choices = email_choices(user_ids=[person.pk for person, _topic in told])
    created = []
    for person, topic in told:
        row = {"recipient": person, "key": key, "verb": event.notice.verb, "item_kind": kind, "item_id": item.pk,
               "client_id": item.client_id, "actor_id": actor_id, "trace_event_id": trace_event_id,
               "topic": topic, "email_wanted": _wants_email(choices, person, topic)}  # fmt: skip
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(**row))
        except IntegrityError:
            continue  # already notified for this key
    for notification in created:
        if notification.email_wanted:
            queue_task(SEND_EMAIL_TASK, notification.pk, key=f"notification-email:{notification.pk}")
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless it went already or is no longer wanted; True when this call sent it.

    At most once per notification, whatever deliveries of its task arrive: a worker first takes a
    lease on the notification (a conditional UPDATE, so of two workers only one gets it), sends, and
    only then marks it e-mailed. A failed send gives the lease back and raises, for the task to retry;
    a lease held by another worker raises EmailInProgress, for the task to come back when it runs out
    (that worker may have died). Only a worker dying between the SMTP server's answer and the mark
    could send twice, once its lease ran out; marking before sending would instead lose the e-mail on
    any SMTP error. A notification older than EMAIL_GIVE_UP_AFTER is left to the bell.

    The recipient's choice is read again here: someone who switched a topic's e-mails off since the
    notification was written gets no e-mail for it.

    Not one transaction: the SMTP exchange must not hold the database (SQLite's write lock above all).
    """
    now = timezone.now()
    unsent = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, email_wanted=True, created_at__gte=now - EMAIL_GIVE_UP_AFTER
    )
    leased = unsent.filter(Q(email_lease_until__isnull=True) | Q(email_lease_until__lt=now)).update(
        email_lease_until=now + email_lease()
    )
    if not leased:
        lease_until = unsent.values_list("email_lease_until", flat=True).first()
        if lease_until is not None:
            raise EmailInProgress((lease_until - now).total_seconds())
        return False  # sent already, not wanted (or too old, or gone)
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    still_wanted = recipient.is_active and bool(recipient.email)
    if still_wanted and notification.topic:  # rows written before topics existed keep their e-mail
        still_wanted = _wants_email(email_choices(user_ids=[recipient.pk]), recipient, notification.topic)
    if not still_wanted:
        Notification.objects.filter(pk=notification_id).update(email_lease_until=None, email_wanted=False)
        return False
    try:
        _send(notification)
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_lease_until=None)
        raise
    Notification.objects.filter(pk=notification_id).update(email_lease_until=None, emailed_at=timezone.now())
    return True


def _send(notification: Notification) -> None:
    recipient = notification.recipient
    site = settings.SITE_URL.rstrip("/")
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        (notification,) = describe([notification], reader=recipient)
        # A subject is one line: an item's subject typed with line breaks must not break the header.
        subject = Truncator(" ".join(f"[Relais] {notification.text}".split())).chars(EMAIL_SUBJECT_LENGTH)
        lines = [notification.text]
        if notification.url:
            lines.append(_("Open it in Relais: %(url)s") % {"url": site + notification.url})
        if notification.topic:
            lines.append(_("You get this e-mail for “%(topic)s”.") % {"topic": notification.get_topic_display()})
        lines.append(
            _("Choose what comes by e-mail: %(url)s") % {"url": site + reverse("workflow:notification-preferences")}
        )
        send_mail(subject=subject, message="\n\n".join(lines), from_email=None, recipient_list=[recipient.email])


def _require_person(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to read your notifications."))


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (reading it twice changes nothing); another's is NotFound."""
    _require_person(user)
    notification = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if notification is None:
        raise NotFound()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User, up_to: int | None = None) -> int:
    """Mark the user's unread notifications read, one UPDATE; return how many.

    `up_to` is the newest notification the person had in front of them when they asked: one that
    arrived meanwhile stays unread, so nobody marks read what they never saw. Without it, all.
    Marking read is the person's own bookkeeping, not a change to the work: it is not traced.
    """
    _require_person(user)
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user: User, email: Mapping[str, bool]) -> dict[str, bool]:
    """A person chooses which topics also come by e-mail (nobody chooses for someone else); return all choices.

    Topics left out keep their current choice. Like the choice of a language, it is the person's own
    setting and is not traced. One statement per call, so simultaneous saves cannot collide.
    """
    _require_person(user)
    unknown = sorted(str(topic) for topic in email if topic not in NotificationTopic.values)
    if unknown:
        raise InvalidInput(
            {"email": _("Unknown topic. The topics are: %(topics)s.") % {"topics": ", ".join(NotificationTopic.values)}}
        )
    if any(not isinstance(choice, bool) for choice in email.values()):
        raise InvalidInput({"email": _("Say true or false for each topic.")})
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, topic=topic, email=choice) for topic, choice in email.items()],
        update_conflicts=True, unique_fields=["user", "topic"], update_fields=["email"],
    )  # fmt: skip
    return email_choices_of(user=user)
