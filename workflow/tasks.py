"""Celery tasks: they take ids, call a service, and are safe to run twice.

Each imports its service inside its body, so that imports run one way only: services never import
this module (they queue its tasks by name, `workflow.services.queueing`), and this module, loaded by
WorkflowConfig.ready in every process to register the tasks, loads nothing else.
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings


@shared_task(
    ignore_result=True,
    # SMTPException is an OSError already; both are named for the reader. Broker errors cannot reach
    # here: publishing retries them (CELERY_TASK_PUBLISH_RETRY_POLICY), then the sweep below.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
    retry_backoff_max=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_EMAIL_MAX_RETRIES,
)
def send_notification_email(notification_id: int) -> bool:
    """Send one notification's e-mail, at most once; retried with exponential backoff while SMTP fails."""
    from workflow.services.notifications import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(ignore_result=True)
def notification_emails_sweep_task() -> int:
    """Beat: queue again the e-mails that a broker outage or exhausted retries left unsent."""
    from workflow.services.notifications import notification_emails_requeue

    return notification_emails_requeue()


@shared_task(ignore_result=True)
def sla_scan_task() -> dict[str, int]:
    """Beat, every few minutes: remind, escalate, announce callbacks. Each step happens once per item."""
    from workflow.services.sla import sla_scan

    result = sla_scan()
    return {"reminders": result.reminders, "escalations": result.escalations, "callbacks": result.callbacks}


@shared_task(ignore_result=True)
def auto_close_task() -> int:
    """Beat, hourly: close requests left resolved past AUTO_CLOSE_RESOLVED_DAYS."""
    from workflow.services.sla import auto_close_resolved

    return auto_close_resolved()
