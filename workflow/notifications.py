"""Notifications as people read them: their words and links, the number on the bell, the e-mail choices.

Writing them (who hears of what, the e-mails) is `workflow.services.notifications`.

A notification is put into words when it is read, in the reader's language, from the ids it stores:
who acted, the item, the client. What it names follows what the reader may see *now*: the client and
a link when the reader may see the item (a lead's status is enough), the item's subject only when
they may read its content, so a lead's sender (who follows its status) never reads its subject here.
"""

from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from trace.catalogue import Notice, notice_for
from workflow.events import RETIRED_NOTICES
from workflow.models import EMAILED_BY_DEFAULT, ItemKind, Notification, NotificationPreference, NotificationTopic
from workflow.models_campaigns import POTENTIAL_KIND, Potential
from workflow.selectors import leads_status_visible, leads_visible, requests_visible

# Who "acted" when nobody did: an SLA reminder, an item that came in by the web form or by e-mail.
RELAIS = gettext_lazy("Relais")

# What each topic covers, on the page where people choose what comes by e-mail.
TOPIC_HELP = {
    NotificationTopic.GIVEN_TO_ME: gettext_lazy(
        "A request or a lead routed, assigned, reassigned, transferred, reopened or handed over to you."
    ),
    NotificationTopic.TEAM_QUEUE: gettext_lazy("A request or a lead waiting in the queue of one of your teams."),
    NotificationTopic.REMINDERS: gettext_lazy("Your work past its target, and callbacks that are due."),
    NotificationTopic.ESCALATIONS: gettext_lazy("Overdue work in the agencies you manage."),
    NotificationTopic.ACTIVITY: gettext_lazy("Comments on your work, and work cancelled while you held it."),
    NotificationTopic.OUTCOMES: gettext_lazy(
        "The requests and leads you sent: resolved, cancelled, requalified, won or lost."
    ),
}


def notice_of(verb: str) -> Notice | None:
    """The words of a stored verb: the catalogue's, or those of a notice no event sends any more."""
    return notice_for(verb) or RETIRED_NOTICES.get(verb)


def describe(notifications: Sequence[Notification], *, reader: User) -> list[Notification]:
    """Put each notification into words for `reader` (its recipient), in the active language.

    Sets on each: `reference`, `actor_name`, `client_name` and `subject` (None where the reader may
    not see them), `text` (one line, for the API and e-mails) and `url` (empty when the reader may not
    open the item). A fixed number of queries whatever the number of notifications: the people who
    acted, then which of the requests and leads the reader may see, and read.
    """
    request_ids = {n.item_id for n in notifications if n.item_kind == ItemKind.SERVICE_REQUEST}
    potentials = _potentials_of(reader, {n.item_id for n in notifications if n.item_kind == POTENTIAL_KIND})
    lead_ids = {n.item_id for n in notifications if n.item_kind == ItemKind.LEAD}
    actor_ids = {n.actor_id for n in notifications if n.actor_id}
    actors = {person.pk: str(person) for person in _people(actor_ids)}
    requests = _rows(requests_visible(user=reader), request_ids, "client__name", "subject")
    leads_followed = _rows(leads_status_visible(user=reader), lead_ids, "client__name")
    leads_read = _rows(leads_visible(user=reader), set(leads_followed), "subject")
    for notification in notifications:
        if notification.item_kind == POTENTIAL_KIND:
            reference = f"P-{notification.item_id}"
            client_name, subject = potentials.get(notification.item_id), None
            url = reverse("workflow:potentials") if client_name else ""
        elif notification.item_kind == ItemKind.SERVICE_REQUEST:
            reference = f"SR-{notification.item_id}"
            seen = requests.get(notification.item_id)
            client_name, subject = seen if seen else (None, None)
            url = reverse("workflow:request-detail", args=[notification.item_id]) if seen else ""
        else:
            reference = f"L-{notification.item_id}"
            followed, read = leads_followed.get(notification.item_id), leads_read.get(notification.item_id)
            client_name = followed[0] if followed else None
            subject = read[0] if read else None
            # Who only follows a lead's status opens its status page: its own page would be a 404.
            page = "workflow:lead-detail" if read else "workflow:lead-status"
            url = reverse(page, args=[notification.item_id]) if followed else ""
        notification.reference, notification.client_name, notification.subject = reference, client_name, subject
        notification.url = url
        notification.actor_name = actors.get(notification.actor_id) if notification.actor_id else None
        notification.what = _what(notification)
        notification.text = (
            _("%(what)s — %(client)s") % {"what": notification.what, "client": client_name}
            if client_name
            else notification.what
        )
    return list(notifications)


def _what(notification: Notification) -> str:
    """What happened, as one sentence: who did what to which item."""
    notice = notice_of(notification.verb)
    item = notification.reference
    if notification.subject:
        item = _("%(reference)s “%(subject)s”") % {"reference": item, "subject": notification.subject}
    if notice is None:  # a verb nobody declares any more: still say which item
        return f"{item}: {notification.verb}"
    return str(notice.text) % {"item": item, "actor": notification.actor_name or RELAIS}


def _potentials_of(reader: User, ids: set[int]) -> dict[int, str]:
    """The client's name of each of these potentials the reader still has to explore (one query, none for no id)."""
    if not ids:
        return {}
    return dict(Potential.objects.filter(pk__in=ids, salesperson=reader).values_list("pk", "client__name"))


def _people(ids: set[int]) -> Iterable[User]:
    return User.objects.filter(pk__in=ids).only("pk", "username", "first_name", "last_name") if ids else []


def _rows(visible, ids: set[int], *fields: str) -> dict[int, tuple]:
    """Of these ids, those in `visible`, each with `fields` (one query, none for no id)."""
    if not ids:
        return {}
    return {pk: rest for pk, *rest in visible.filter(pk__in=ids).values_list("pk", *fields)}


def notification_text(notification: Notification) -> str:
    """One notification in words for its recipient (for a single row; lists call `describe` once)."""
    if not hasattr(notification, "text"):
        describe([notification], reader=notification.recipient)
    return notification.text


def unread_count(*, user: User) -> int:
    """The number on the bell: one COUNT over the unread part of the notifications' index."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_choices(*, user_ids: Iterable[int]) -> dict[tuple[int, str], bool]:
    """The e-mail choices these people made, by (person, topic): one query. A topic not there takes its default."""
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "topic", "email")
    return {(user_id, topic): email for user_id, topic, email in rows}


def email_choices_of(*, user: User) -> dict[str, bool]:
    """Which topics come to the user by e-mail, every topic named: their choice, else the topic's default."""
    choices = email_choices(user_ids=[user.pk])
    return {topic: choices.get((user.pk, topic), topic in EMAILED_BY_DEFAULT) for topic in NotificationTopic.values}
