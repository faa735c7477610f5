"""Queuing Celery tasks from services: only once the transaction commits, and never failing the write."""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def queue_task(name: str, *ids: int) -> None:
    """Queue the task registered as `name` with `ids` once the current transaction commits.

    A task is named, not imported: tasks import the services they run, so a service importing the
    tasks would close a loop. Ids only, never rows: the task reads the state as it is when it runs.

    A broker that still does not answer after Celery's publish retries (CELERY_TASK_PUBLISH_RETRY_POLICY)
    is logged, not raised: the write has committed, and the work it queues is found again by a
    periodic sweep (see `notification_emails_requeue`).
    """

    def send() -> None:
        try:
            current_app.tasks[name].delay(*ids)
        except BrokerError:
            logger.exception("The broker did not take %s%s; the periodic sweep will queue it again.", name, ids)

    transaction.on_commit(send)
