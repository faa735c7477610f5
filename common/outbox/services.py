"""Recording work in the outbox, publishing it to Celery, and marking it done.

Three moments, three functions:
- `enqueue`, inside the service's transaction: the row is written with the change;
- after commit, `_publish_after_commit` tries the broker once (the fast path): it never raises, so
  a request whose change committed answers success whatever the broker's state;
- `relay`, run by beat every few seconds: publishes what the fast path could not, and publishes
  again what was published but never done (a message the broker lost, a worker that died).

A task relayed from the outbox carries its row's id in a message header; Celery's task signals
(`common.outbox.signals`) mark the row done on success, or due again on retry and failure.
"""

import logging
import time
import uuid
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from common.outbox.models import Outbox

logger = logging.getLogger(__name__)

# The message header that names the outbox row a task runs for.
HEADER = "outbox_id"
# What a broker that does not answer raises (kombu wraps most transport errors in its OperationalError).
BROKER_DOWN = (KombuOperationalError, RedisError, OSError)

# After the broker refused a message, this process stops trying the fast path for a while and leaves
# the work to the relay: a web request must not wait on a broker that is down, once per task.
_BROKER_PAUSE_SECONDS = 10.0
_broker_paused_until = 0.0


def redeliver_after() -> timedelta:
    return timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER)


def enqueue(task: str, *ids: int, key: str = "") -> Outbox | None:
    """Record that task `task` must run with `ids`, in the current transaction; publish it after commit.

    `key` names the work: recording the same key again does nothing and returns None (a notification's
    e-mail is one piece of work however often it is asked for). Without a key every call is new work.
    Tasks are named, not imported: a task imports the services it runs, so a service importing tasks
    would close a loop. Ids only, never rows: the task reads the state as it is when it runs.
    """
    if task not in current_app.tasks:
        raise ValueError(f"No Celery task is registered as {task!r}.")
    if not all(type(value) is int for value in ids):
        raise TypeError(f"A task takes ids (integers), not {ids!r}.")
    now = timezone.now()
    row = Outbox(task=task, args=list(ids), key=key or f"{task}:{uuid.uuid4().hex}", created_at=now,
                 due_at=now + redeliver_after())  # fmt: skip
    if key:
        try:
            with transaction.atomic():  # a savepoint: a known key must not break the caller's transaction
                row.save()
        except IntegrityError:
            return None
    else:
        row.save()
    transaction.on_commit(lambda: _publish_after_commit(row.pk, task, ids))
    return row


def _publish_after_commit(row_id: int, task: str, ids: tuple[int, ...]) -> None:
    """The fast path: publish at once. Never raises (the change has committed); on failure the row is
    made due now, so that the relay publishes it as soon as the broker answers again."""
    global _broker_paused_until
    if time.monotonic() >= _broker_paused_until:
        try:
            _publish(row_id, task, ids)
        except Exception as error:
            if _eager_failures_propagate() and not isinstance(error, BROKER_DOWN):
                raise  # tests: an eager task's failure is the test's failure
            if not current_app.conf.task_always_eager:  # tasks run here (tests): no broker to wait for
                _broker_paused_until = time.monotonic() + _BROKER_PAUSE_SECONDS
            logger.warning("The broker did not take task %s (outbox %s: %s); the relay will publish it.", task,
                           row_id, type(error).__name__)  # fmt: skip
        else:
            _mark_dispatched([row_id])
            return
    try:
        Outbox.objects.filter(pk=row_id, done_at__isnull=True).update(due_at=timezone.now())
    except Exception:
        # The database is gone too: the row was written as due after the redelivery delay anyway.
        logger.warning("Could not bring outbox %s forward; it is relayed after the redelivery delay.", row_id,
                       exc_info=True)  # fmt: skip


def _eager_failures_propagate() -> bool:
    """Tasks run in the caller (tests) and their failures are raised to it: not a broker's failure."""
    conf = current_app.conf
    return bool(conf.task_always_eager and conf.task_eager_propagates)


def _publish(row_id: int, task: str, ids: tuple[int, ...] | list[int]) -> None:
    # One attempt: a broker that does not answer is the relay's business, not the caller's.
    current_app.tasks[task].apply_async(args=list(ids), headers={HEADER: row_id}, retry=False)


def _mark_dispatched(row_ids: list[int]) -> None:
    try:
        Outbox.objects.filter(pk__in=row_ids).update(dispatched_at=timezone.now(), attempts=F("attempts") + 1)
    except Exception:
        logger.warning("Could not record the publication of outbox rows %s.", row_ids, exc_info=True)


def relay(*, batch: int = 500, budget_seconds: float = 20.0, now: datetime | None = None) -> int:
    """Publish the rows that are due and not done, oldest first; return how many were published.

    Rows are taken under `SELECT … FOR UPDATE SKIP LOCKED` (SQLite: its one writer at a time) and
    pushed past the redelivery delay in that short transaction, so two relays never take the same
    row; publishing happens after it, outside any transaction. When the broker refuses a message the
    run stops and gives the rest back, due at once. A row published `OUTBOX_MAX_ATTEMPTS` times
    without being done is left alone and logged: a task that fails every time needs a person.
    """
    started = time.monotonic()
    published = 0
    while time.monotonic() - started < budget_seconds:
        moment = now or timezone.now()
        with transaction.atomic():
            rows = list(
                Outbox.objects.select_for_update(skip_locked=True)
                .filter(done_at__isnull=True, due_at__lte=moment, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
                .order_by("due_at", "pk")[:batch]
            )
            Outbox.objects.filter(pk__in=[row.pk for row in rows]).update(due_at=moment + redeliver_after())
        if not rows:
            break
        sent: list[int] = []
        for position, row in enumerate(rows):
            if row.task not in current_app.tasks:
                _record_error(row.pk, f"No Celery task is registered as {row.task!r}.")
                continue
            try:
                _publish(row.pk, row.task, row.args)
            except Exception as error:
                if _eager_failures_propagate() and not isinstance(error, BROKER_DOWN):
                    raise
                logger.warning("The broker refused outbox %s (%s); %s rows left for the next run.", row.pk,
                               type(error).__name__, len(rows) - position)  # fmt: skip
                Outbox.objects.filter(pk__in=[later.pk for later in rows[position:]]).update(due_at=moment)
                _mark_dispatched(sent)
                return published + len(sent)
            sent.append(row.pk)
        _mark_dispatched(sent)
        published += len(sent)
        published_now = set(sent)
        for row in rows:
            if row.pk in published_now and row.attempts + 1 >= settings.OUTBOX_MAX_ATTEMPTS:
                logger.error("Outbox %s (%s) was published %s times and never done; it is no longer relayed.",
                             row.pk, row.task, row.attempts + 1)  # fmt: skip
        if len(rows) < batch:
            break
    return published


def mark_done(row_id: int) -> None:
    """The task ran to its end: the row is done, and never published again."""
    Outbox.objects.filter(pk=row_id, done_at__isnull=True).update(done_at=timezone.now(), last_error="")


def mark_due_later(row_id: int, *, error: str) -> None:
    """The task is retrying or failed: publish it again after the redelivery delay unless done by then."""
    Outbox.objects.filter(pk=row_id, done_at__isnull=True).update(
        due_at=timezone.now() + redeliver_after(), last_error=error[:300]
    )


def _record_error(row_id: int, error: str) -> None:
    logger.error("Outbox %s: %s", row_id, error)
    mark_due_later(row_id, error=error)


def prune(*, now: datetime | None = None) -> int:
    """Delete the rows done more than `OUTBOX_KEEP_DONE_DAYS` ago; return how many."""
    before = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS)
    deleted, _ = Outbox.objects.filter(done_at__lt=before).delete()
    return deleted
