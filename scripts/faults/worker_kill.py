"""Fault: the Celery worker is killed (kill -9) in the middle of sending notification e-mails.

    .venv/bin/python scripts/faults/worker_kill.py [--redis-port 6392] [--pg-port 5442] [--items 60]

With the app running as in production (gunicorn, a prefork worker of two processes, beat; its own
Redis and PostgreSQL) and a slow mail server (each e-mail takes a second), `--items` requests and
leads are created over the API, which queues one e-mail per notification. While the worker sends
them: one pool process is killed with SIGKILL mid-exchange, then another, then the whole worker
(main process and pool together, as a container or a machine dies), which is then started again.
Expected: every notification e-mail is delivered exactly once, none lost, none twice.

Settings shortened for the run (production's are minutes): the task time limit 20 s, Redis's
visibility timeout 30 s, the e-mail lease 10 s, the outbox's redelivery 60 s.

Kills land while the mail server is talking (a marker the slow backend writes says so): a worker
that dies after the server accepted a message but before the database recorded it would send it
again once its lease ran out. That window, between two systems that share no transaction, is the
one at-least-once delivery leaves; it is milliseconds wide and is not aimed at here.

Prints the counts; exits 1 when an e-mail was lost or sent twice.
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.faults import harness  # noqa: E402

TAG = "killed"
MAIL_DELAY = 1.0


def pool_processes(parent: int) -> list[int]:
    """The worker's pool: the processes whose parent is the worker's main process."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def mid_exchange(sending: Path, pids: list[int]) -> list[int]:
    """The pool processes now talking to the mail server, with most of the exchange still ahead."""
    now = time.time()
    busy = []
    for pid in pids:
        try:
            started = float((sending / str(pid)).read_text() or 0)
        except (OSError, ValueError):
            continue
        if now - started < MAIL_DELAY / 2:
            busy.append(pid)
    return busy


def main() -> int:
    options = harness.arguments(__doc__.splitlines()[0], redis_port=6392, pg_port=5442, items=60)
    env = {
        "EMAIL_BACKEND": "scripts.faults.slowmail.SlowFileBackend",
        "FAULTS_MAIL_DELAY": str(MAIL_DELAY),
        "CELERY_TASK_TIME_LIMIT": "20",
        "CELERY_VISIBILITY_TIMEOUT": "30",
        "NOTIFICATION_EMAIL_LEASE_SECONDS": "10",
        "OUTBOX_REDELIVER_AFTER": "60",
    }
    run = harness.Run(options, extra_env=env)
    sending = run.folder / "sending"
    sending.mkdir()
    run.app.extra_env["FAULTS_SENDING_DIR"] = str(sending)
    kills: list[str] = []
    with run as app:
        app.start_like_production()
        harness.log(
            f"seed's e-mails relayed in {harness.outbox_drained(timeout=300):.1f} s; the mail server slows down"
        )
        (sending / "slow").touch()

        answers = harness.in_parallel([harness.creation(app, n, tag=TAG) for n in range(options.items)])
        harness.log(f"{options.items} items created: statuses {harness.statuses(answers)}")
        worker = app.processes["worker"]
        for _ in range(2):
            harness.wait_for("a pool process mid-exchange", lambda: mid_exchange(sending, pool_processes(worker.pid)),
                     timeout=60, every=0.05)  # fmt: skip
            victim = mid_exchange(sending, pool_processes(worker.pid))[0]
            os.kill(victim, signal.SIGKILL)
            kills.append(f"pool process {victim}")
            harness.log(f"killed pool process {victim} (SIGKILL) mid-exchange")
            time.sleep(3)
        harness.wait_for("both pool processes mid-exchange",
                 lambda: len(mid_exchange(sending, pool_processes(worker.pid))) == 2, timeout=60, every=0.05)  # fmt: skip
        app.stop("worker", signal.SIGKILL)
        kills.append(f"whole worker {worker.pid}")
        harness.log(f"killed the whole worker {worker.pid} and its pool (SIGKILL) mid-exchange")
        for marker in sending.glob("[0-9]*"):
            marker.unlink()  # dead processes' markers
        time.sleep(2)
        app.start_worker()
        harness.log("worker started again")

        items = harness.items_of(TAG)
        result, seconds = harness.wait_for_mails(app, items, timeout=240)
        time.sleep(15)  # a second delivery would arrive now (leases are 10 s)
        result, _ = harness.wait_for_mails(app, items, timeout=0)
        lost_rows = options.items - len(harness.created_subjects(TAG))
        worker_log = (app.folder / "worker.log").read_text(errors="replace")
        lost_under_kill = worker_log.count("exited with 'signal 9 (SIGKILL)'")

    print()
    print(f"Worker kill: {options.items} items, their e-mails sent by a slow mail server (1 s each)")
    print(f"  kills (SIGKILL): {', '.join(kills)}; pool processes that died under a task: {lost_under_kill}")
    print(f"  items answered 201: {sum(1 for answer in answers if answer.status == 201)}; missing rows: {lost_rows}")
    print(f"  {result}")
    print(f"  time to deliver every e-mail after the worker's restart: "
          f"{'not within 240 s' if seconds is None else f'{seconds:.1f} s'}")  # fmt: skip
    failed = result.lost or result.duplicated or lost_rows or seconds is None or not lost_under_kill
    print("RESULT:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
