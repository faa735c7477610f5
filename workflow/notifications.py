"""Notifications as people read them: their words and links, and the number on the bell.

Writing them (who hears of what, the e-mails) is `workflow.services.notifications`.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from trace.catalogue import notice_for
from workflow.models import ItemKind, Notification


def notification_text(notification: Notification) -> str:
    """What happened, in the active language, from the catalogue's notice for the stored verb."""
    prefix = "SR" if notification.item_kind == ItemKind.SERVICE_REQUEST else "L"
    notice = notice_for(notification.verb)
    text = str(notice.text) if notice else notification.verb
    return text % {"item": f"{prefix}-{notification.item_id}"}


def notification_url(notification: Notification, *, absolute: bool = False) -> str:
    """The item's page; `absolute` (for e-mails, read outside the site) prefixes settings.SITE_URL."""
    name = "workflow:request-detail" if notification.item_kind == ItemKind.SERVICE_REQUEST else "workflow:lead-detail"
    try:
        path = reverse(name, args=[notification.item_id])
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
