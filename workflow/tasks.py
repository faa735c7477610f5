"""Celery tasks: they take ids, call a service, and are safe to run twice."""

from celery import shared_task

from workflow import notifications


@shared_task(ignore_result=True)
def notify_event(event_id: int) -> int:
    return len(notifications.notify_for_event(event_id=event_id))


@shared_task(ignore_result=True)
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_email_for(notification_id=notification_id)
