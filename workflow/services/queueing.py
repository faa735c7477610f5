"""Queuing Celery tasks from the workflow's services: through the transactional outbox (common.outbox).

The work is recorded in the service's transaction and published once it commits, never failing the
write: a broker that does not answer delays the task (the outbox's relay publishes it later), it
never loses it and never turns a saved change into an error for the user.
"""

from common.outbox.services import enqueue


def queue_task(name: str, *ids: int, key: str = "") -> None:
    """Queue the task registered as `name` with `ids`, as part of the current transaction.

    `key` names the work when asking twice must not run it twice (a notification's e-mail); the task
    is still safe to run twice, since the outbox delivers at least once.
    """
    enqueue(name, *ids, key=key)
