"""Celery tasks: they take ids, call a service, and are safe to run twice."""

from celery import shared_task

from workflow import notifications
from workflow.sla import auto_close_resolved, sla_scan


@shared_task(ignore_result=True)
def notify_event(event_id: int) -> int:
    return len(notifications.notify_for_event(event_id=event_id))


@shared_task(ignore_result=True)
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_email_for(notification_id=notification_id)


@shared_task(ignore_result=True)
def sla_scan_task() -> dict[str, int]:
    """Beat, every few minutes: remind, escalate, announce callbacks. Each step happens once per item."""
    result = sla_scan()
    return {"reminders": result.reminders, "escalations": result.escalations, "callbacks": result.callbacks}


@shared_task(ignore_result=True)
def auto_close_task() -> int:
    """Beat, hourly: close requests left resolved past AUTO_CLOSE_RESOLVED_DAYS."""
    return auto_close_resolved()
