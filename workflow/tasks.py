"""Celery tasks: they take ids, call a service, and are safe to run twice.

Each imports its service inside its body, so that imports run one way only: services never import
this module (they queue its tasks by name through the outbox, `workflow.services.queueing`), and
this module, loaded by WorkflowConfig.ready in every process to register the tasks, loads nothing
else. Tasks queued through the outbox are delivered at least once: each must be safe to run twice.
"""

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings


@shared_task(
    bind=True,
    ignore_result=True,
    # SMTPException is an OSError already; both are named for the reader. Broker errors cannot reach
    # here: the task is queued through the outbox, which publishes it again until it is done.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF,
    retry_backoff_max=settings.NOTIFICATION_EMAIL_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_EMAIL_MAX_RETRIES,
)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification's e-mail, at most once; retried with exponential backoff while SMTP fails.

    Delivered at least once by the outbox, so a second delivery may find the e-mail sent (nothing
    happens) or leased by another worker (this one comes back when the lease runs out: that worker may
    have died mid-send, and then this one sends it).
    """
    from workflow.services.notifications import EmailInProgress, notification_email_send

    try:
        return notification_email_send(notification_id=notification_id)
    except EmailInProgress as busy:
        raise self.retry(countdown=max(1, round(busy.seconds_left) + 1)) from None


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


@shared_task(ignore_result=True)
def potential_import_task(import_id: int) -> int:
    """Run a queued potentials import (issue 9); a second delivery finds it taken and does nothing."""
    from workflow.services.potentials import potential_import_run

    job = potential_import_run(import_id=import_id)
    return job.created_count if job else 0


@shared_task(ignore_result=True)
def potentials_scan_task() -> dict[str, int]:
    """Beat: remind overdue portfolio potentials once each, and close the campaigns past their end."""
    from workflow.services.campaigns import campaigns_close_ended
    from workflow.services.potentials import potentials_remind_overdue

    return {"reminded": potentials_remind_overdue(), "campaigns_closed": campaigns_close_ended()}
