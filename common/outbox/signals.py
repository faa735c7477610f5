"""Celery's task signals tell the outbox what became of the work it relayed.

They fire in the process that runs the task (a worker, or the caller when tasks run eagerly). A task
not sent from the outbox carries no row id and is left alone. A failure to write here is logged, not
raised: the row stays pending and is published again later, which a task relayed this way survives.
"""

import logging

from celery.signals import task_failure, task_retry, task_success

from common.outbox.services import HEADER, mark_done, mark_due_later

logger = logging.getLogger(__name__)


def _row_id(task) -> int | None:
    request = task.request
    # From a worker the header is also an attribute of the request; an eager call keeps it in `headers`.
    row_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(HEADER)
    return row_id if isinstance(row_id, int) else None


@task_success.connect
def _done(sender=None, **kwargs) -> None:
    row_id = _row_id(sender)
    if row_id is not None:
        try:
            mark_done(row_id)
        except Exception:
            logger.warning("Outbox %s ran but could not be marked done; it will run again, harmlessly.", row_id,
                           exc_info=True)  # fmt: skip


@task_retry.connect
def _retrying(sender=None, reason=None, **kwargs) -> None:
    _due_later(sender, reason)


@task_failure.connect
def _failed(sender=None, exception=None, **kwargs) -> None:
    _due_later(sender, exception)


def _due_later(task, error: object) -> None:
    row_id = _row_id(task) if task is not None else None
    if row_id is None:
        return
    try:
        # The error's kind only: its message may hold an address or a name.
        mark_due_later(row_id, error=type(error).__name__)
    except Exception:
        logger.warning("Could not record the failure of outbox %s.", row_id, exc_info=True)
