"""The transactional outbox: work recorded with its change, published after commit or later, done once.

Tasks run eagerly in the test settings (in the caller, at commit), so a published task has run when
the commit returns. Where a broker must be refused, tasks are made to travel (not eager) and the
publish is replaced by a stand-in that fails or records the message it was given.
"""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.outbox import services as outbox
from common.outbox.models import Outbox
from config.celery import app as celery_app

RUNS: list[int] = []


@shared_task(ignore_result=True)
def record_run(item_id: int) -> None:
    """A task that is safe to run twice only because the tests count its runs."""
    RUNS.append(item_id)


@shared_task(bind=True, ignore_result=True, max_retries=1)
def retry_once(self, item_id: int) -> None:
    if self.request.retries == 0:
        raise self.retry(countdown=0)
    RUNS.append(item_id)


RECORD = f"{__name__}.record_run"
RETRY_ONCE = f"{__name__}.retry_once"


@pytest.fixture(autouse=True)
def fresh_runs():
    RUNS.clear()
    yield
    RUNS.clear()


@pytest.fixture
def broker():
    """Tasks travel through a stand-in broker: `broker.up` says whether it takes messages, `sent` keeps them."""

    class Broker:
        up = True
        sent: list[tuple[str, list, dict]] = []

    stand_in = Broker()

    def publish(self, args=None, kwargs=None, **options):
        if not stand_in.up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        stand_in.sent.append((self.name, list(args or []), options.get("headers") or {}))

    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with mock.patch("celery.app.task.Task.apply_async", publish):
            yield stand_in
    finally:
        celery_app.conf.task_always_eager = eager
        outbox._broker_paused_until = 0.0


def test_the_work_is_written_with_the_change_and_runs_once_it_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        row = outbox.enqueue(RECORD, 7)
        assert RUNS == []  # not before the commit

    row.refresh_from_db()
    assert RUNS == [7]
    assert row.args == [7] and row.attempts == 1 and row.dispatched_at and row.done_at


def test_work_of_a_change_rolled_back_never_exists(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(RECORD, 7)
        raise RuntimeError("the change fails")

    assert not Outbox.objects.exists() and RUNS == []


def test_the_same_key_is_the_same_work_and_asking_again_keeps_the_callers_transaction(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert outbox.enqueue(RECORD, 7, key="mail:7") is not None
        assert outbox.enqueue(RECORD, 7, key="mail:7") is None
        outbox.enqueue(RECORD, 8)  # the transaction goes on after the refused duplicate
    assert RUNS == [7, 8] and Outbox.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.enqueue(RECORD, 7, key="mail:7") is None  # done already: not again
    assert RUNS == [7, 8]


def test_only_registered_tasks_and_ids_are_accepted(db):
    with pytest.raises(ValueError, match="No Celery task"):
        outbox.enqueue("workflow.tasks.no_such_task", 1)
    with pytest.raises(TypeError):
        outbox.enqueue(RECORD, "7")
    with pytest.raises(TypeError):
        outbox.enqueue(RECORD, True)


def test_with_the_broker_down_the_write_commits_and_the_relay_publishes_when_it_is_back(
    db, broker, django_capture_on_commit_callbacks
):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = outbox.enqueue(RECORD, 1)  # the commit does not raise
    with mock.patch("celery.app.task.Task.apply_async") as not_tried:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            second = outbox.enqueue(RECORD, 2)
        not_tried.assert_not_called()  # the process pauses the fast path instead of waiting on the broker
    assert broker.sent == []
    pending = Outbox.objects.filter(done_at__isnull=True, due_at__lte=timezone.now())
    assert set(pending.values_list("pk", flat=True)) == {first.pk, second.pk}  # due at once

    assert outbox.relay() == 0  # still down: nothing lost, nothing counted
    broker.up = True
    assert outbox.relay() == 2
    assert [(name, args, headers) for name, args, headers in broker.sent] == [
        (RECORD, [1], {outbox.HEADER: first.pk}),
        (RECORD, [2], {outbox.HEADER: second.pk}),
    ]
    assert outbox.relay() == 0  # published: not again before the redelivery delay
    assert list(Outbox.objects.order_by("pk").values_list("attempts", flat=True)) == [1, 1]


def test_a_relay_that_meets_a_refusal_gives_the_rest_back(db, broker, django_capture_on_commit_callbacks):
    broker.up = False
    with django_capture_on_commit_callbacks(execute=True):
        rows = [outbox.enqueue(RECORD, n) for n in range(3)]
    calls = 0
    real_publish = outbox._publish

    def refused_after_one(*args):
        nonlocal calls
        calls += 1
        if calls > 1:
            raise OperationalError("connection reset")
        real_publish(*args)

    broker.up = True
    with mock.patch.object(outbox, "_publish", refused_after_one):
        assert outbox.relay() == 1
    assert outbox.relay() == 2
    assert sorted(args[0] for _name, args, _headers in broker.sent) == [0, 1, 2]
    assert all(row.attempts == 1 for row in Outbox.objects.filter(pk__in=[row.pk for row in rows]))


def test_work_published_but_never_done_is_published_again_after_the_redelivery_delay(
    db, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(RECORD, 5)
    assert len(broker.sent) == 1  # the broker lost it: no worker ever marks it done

    later = timezone.now() + timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER + 1)
    assert outbox.relay(now=later - timedelta(seconds=2)) == 0
    assert outbox.relay(now=later) == 1
    outbox.mark_done(row.pk)  # this time a worker ran it
    assert outbox.relay(now=later + timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER + 1)) == 0
    assert len(broker.sent) == 2


def test_work_that_never_succeeds_is_given_up_after_the_last_attempt(db, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(RECORD, 5)
    Outbox.objects.filter(pk=row.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS)

    assert outbox.relay(now=timezone.now() + timedelta(days=1)) == 0


def test_a_retrying_task_is_not_published_again_while_it_retries_and_is_done_when_it_succeeds(
    db, django_capture_on_commit_callbacks
):
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False  # as on a worker: Celery runs the retry itself
    try:
        with (
            mock.patch("common.outbox.signals.mark_due_later", wraps=outbox.mark_due_later) as due_later,
            django_capture_on_commit_callbacks(execute=True),
        ):
            row = outbox.enqueue(RETRY_ONCE, 3)
    finally:
        celery_app.conf.task_eager_propagates = propagates
    assert due_later.call_args.args == (row.pk,) and due_later.call_args.kwargs == {"error": "Retry"}
    row.refresh_from_db()
    assert RUNS == [3] and row.done_at is not None


def test_a_failed_task_is_due_again_later_with_the_kind_of_error_only(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(RECORD, 5)
    before = timezone.now()
    from common.outbox.signals import _failed

    task = celery_app.tasks[RECORD]
    task.push_request(headers={outbox.HEADER: row.pk})
    try:
        Outbox.objects.filter(pk=row.pk).update(done_at=None)
        _failed(sender=task, exception=ValueError("alice@example.com refused"))
    finally:
        task.pop_request()
    row.refresh_from_db()
    assert row.done_at is None and row.last_error == "ValueError"
    assert row.due_at >= before + timedelta(seconds=settings.OUTBOX_REDELIVER_AFTER)


def test_rows_done_long_ago_are_pruned(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = outbox.enqueue(RECORD, 1)
    pending = Outbox.objects.create(task=RECORD, args=[2], key="pending", due_at=timezone.now())
    with time_machine.travel(timezone.now() + timedelta(days=settings.OUTBOX_KEEP_DONE_DAYS + 1)):
        assert outbox.prune() == 1
    assert list(Outbox.objects.values_list("pk", flat=True)) == [pending.pk]
    assert not Outbox.objects.filter(pk=done.pk).exists()
