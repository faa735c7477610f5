"""Celery tasks: they take ids, call a service, and are safe to run twice (see workflow/tasks.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def refresh_facts_task() -> int:
    """Beat, every 5 minutes: rebuild the days touched since the last refresh, then evaluate the alert rules."""
    from reporting.alerts import evaluate_rules
    from reporting.build import refresh_incremental

    days = refresh_incremental()
    evaluate_rules()
    return len(days)


@shared_task(ignore_result=True)
def rebuild_facts_task() -> int:
    """Beat, at night: rebuild every day, then evaluate the alert rules."""
    from reporting.alerts import evaluate_rules
    from reporting.build import rebuild_all

    written = rebuild_all()
    evaluate_rules()
    return written


@shared_task(ignore_result=True)
def run_job(job_id: int) -> None:
    from reporting.services import job_run

    job_run(job_id=job_id)


@shared_task(ignore_result=True)
def send_alert_email(notice_id: int) -> bool:
    from reporting.alerts import alert_email_send

    return alert_email_send(notice_id=notice_id)
