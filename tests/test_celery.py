"""The Celery app: with no broker named, tasks really travel through the embedded folder broker to a
worker (what `make run` relies on); with CELERY_BROKER_URL set (CI's Postgres run, production), the
broker answers.

Broker choice is made when settings load, so the embedded-broker cases run in fresh processes with an
environment of their own and a broker folder under tmp_path.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
WORKER_DEADLINE_SECONDS = 20


def embedded_broker_environment(tmp_path: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CELERY_BROKER_URL", "DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DJANGO_READ_DOT_ENV_FILE="false",
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_EMBEDDED_BROKER_DIR=str(tmp_path / "broker"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    )
    return environment


def run_python(environment: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def run_worker_until(environment: dict[str, str], log_path: Path, finished: Callable[[], bool]) -> None:
    """A `celery worker --pool=solo` subprocess, stopped once `finished()` or after WORKER_DEADLINE_SECONDS."""
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=info",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname=test-worker@%h"],
            cwd=BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + WORKER_DEADLINE_SECONDS
        while not finished() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.25)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_without_a_broker_url_the_broker_is_the_embedded_folder(tmp_path):
    printed = run_python(
        embedded_broker_environment(tmp_path),
        "import json; from config.celery import app; "
        "print(json.dumps([app.conf.broker_url, app.conf.broker_transport_options]))",
    )

    broker_url, options = json.loads(printed)
    assert broker_url == "filesystem://"
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker")
    assert options["control_folder"] == str(tmp_path / "broker" / "control")


def test_a_task_sent_to_the_embedded_broker_is_consumed_by_a_worker(tmp_path):
    environment = embedded_broker_environment(tmp_path)
    broker_folder = tmp_path / "broker"

    # celery.accumulate is built into every Celery app, so the round trip needs no task of ours.
    task_id = run_python(
        environment, "from config.celery import app; print(app.send_task('celery.accumulate', args=(1, 2)).id)"
    )
    assert any(task_id in message.read_text() for message in broker_folder.glob("*.msg"))

    worker_log = tmp_path / "worker.log"
    run_worker_until(environment, worker_log, lambda: f"{task_id}] succeeded" in worker_log.read_text())

    log_text = worker_log.read_text()
    assert f"{task_id}] succeeded" in log_text, log_text[-3000:]
    assert not list(broker_folder.glob("*.msg")), "the worker left the message in the broker folder"


@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="CELERY_BROKER_URL is not set")
def test_the_configured_broker_answers():
    from config.celery import app

    assert app.conf.broker_url == os.environ["CELERY_BROKER_URL"]
    with app.connection() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.connected


def test_work_queued_through_the_outbox_is_run_by_a_worker_and_marked_done(tmp_path):
    """The outbox's whole path outside the test settings' eager mode: a row written in a transaction,
    published at commit with its id in a header, run by a real worker whose task signals mark it done."""
    environment = embedded_broker_environment(tmp_path)
    # Only the outbox's table: the task queued and the signals that mark it touch nothing else.
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "outbox", "--noinput"], cwd=BASE_DIR, env=environment,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    row_id = run_python(
        environment,
        "import django; django.setup(); from django.db import transaction; "
        "from common.outbox.services import enqueue\n"
        "with transaction.atomic():\n"
        "    row = enqueue('common.outbox.tasks.prune_outbox_task', key='round-trip')\n"
        "print(row.pk)",
    )

    def done() -> tuple[int, bool]:
        # Read straight from the worker's SQLite file, as a third connection: no Django start-up per look.
        with closing(sqlite3.connect(tmp_path / "worker.sqlite3", timeout=30)) as db:
            attempts, done_at = db.execute("SELECT attempts, done_at FROM outbox_outbox WHERE id = ?",
                                           (int(row_id),)).fetchone()  # fmt: skip
        return attempts, done_at is not None

    assert done() == (1, False)  # published once, not run yet

    worker_log = tmp_path / "worker.log"
    run_worker_until(environment, worker_log, lambda: done() == (1, True))

    assert done() == (1, True), worker_log.read_text()[-3000:]
