"""Fault: PostgreSQL restarts (a clean fast restart, then a crash-like immediate one) under load.

    .venv/bin/python scripts/faults/postgres_restart.py [--redis-port 6393] [--pg-port 5443] [--items 0]

With the app running as in production (gunicorn, a Celery worker, beat; its own Redis and PostgreSQL),
eight clients create requests and leads over the API for LOAD_SECONDS, each creation with a subject of
its own. A client answered 5xx (or nothing) tries the same creation again, up to three times, a second
apart, as a person pressing again would. Four clients send each creation's Idempotency-Key with every
attempt, as a client that retries should; four send none. Meanwhile PostgreSQL restarts twice.
Counted afterwards: answers by status, creations answered 201 whose row is missing (lost), creations
whose row exists twice (a retry after a commit whose answer was lost: duplicated), rows nobody was
told were created, and each notification e-mail of the created items (lost, or delivered twice).

Answers 5xx during a restart are expected and only reported, as are the twins of clients that retry
without a key. Exits 1 when anything committed was lost, when a client retrying with its key got a
twin, or when an e-mail was lost or delivered twice.
"""

import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.faults import harness  # noqa: E402

TAG = "restart"
LOAD_SECONDS = 30
CLIENTS = 8
RESTARTS = ((8, "fast"), (20, "immediate"))  # seconds into the load, pg_ctl's shutdown mode
RETRIES = 3


def main() -> int:
    options = harness.arguments(__doc__.splitlines()[0], redis_port=6393, pg_port=5443, items=0)
    env = {"OUTBOX_REDELIVER_AFTER": "45", "NOTIFICATION_EMAIL_LEASE_SECONDS": "10"}
    attempts: list[tuple[str, harness.Answer]] = []  # (subject, answer) of every attempt
    keyed: dict[str, bool] = {}  # subject -> sent with an Idempotency-Key
    counter = iter(range(10**6))
    lock = threading.Lock()
    with harness.Run(options, extra_env=env) as app:
        app.start_like_production()
        harness.log(f"seed's e-mails relayed in {harness.outbox_drained():.1f} s; load for {LOAD_SECONDS} s")
        stop_at = time.monotonic() + LOAD_SECONDS

        def client(idempotent: bool) -> None:
            while time.monotonic() < stop_at:
                with lock:
                    n = next(counter)
                    keyed[f"{TAG}-{n}"] = idempotent
                send = harness.creation(app, n, tag=TAG, idempotent=idempotent)
                for attempt in range(RETRIES + 1):
                    answer = send()
                    with lock:
                        attempts.append((f"{TAG}-{n}", answer))
                    if answer.status and answer.status < 500:
                        break
                    if attempt < RETRIES:
                        time.sleep(1)

        threads = [threading.Thread(target=client, args=(n % 2 == 0,), daemon=True) for n in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for at, mode in RESTARTS:
            time.sleep(max(0.0, started + at - time.monotonic()))
            before = time.monotonic()
            app.postgres.restart(mode)
            harness.log(f"PostgreSQL restarted ({mode}) in {time.monotonic() - before:.1f} s")
        for thread in threads:
            thread.join()
        statuses = Counter(answer.status for _subject, answer in attempts)
        harness.log(f"{len(attempts)} attempts: statuses {dict(sorted(statuses.items()))}")

        items = harness.items_of(TAG)
        result, seconds = harness.wait_for_mails(app, items, timeout=180)
        time.sleep(15)
        result, _ = harness.wait_for_mails(app, items, timeout=0)
        rows = harness.created_subjects(TAG)

    answered_201 = {subject for subject, answer in attempts if answer.status == 201}
    tried = {subject for subject, _answer in attempts}
    lost = sorted(answered_201 - set(rows))
    twins = {subject: count for subject, count in rows.items() if count > 1}
    keyed_twins = [subject for subject in twins if keyed[subject]]
    unanswered = sorted(set(rows) - answered_201)
    gave_up = sorted(tried - answered_201 - set(rows))
    errors = sum(count for status, count in statuses.items() if status >= 500 or status == 0)
    retried = {subject for subject, answer in attempts if answer.status >= 500 or answer.status == 0}

    print()
    print(f"PostgreSQL restart under load: {len(tried)} creations by {CLIENTS} clients in {LOAD_SECONDS} s, "
          f"restarts {', '.join(f'{mode} at {at} s' for at, mode in RESTARTS)}")  # fmt: skip
    print(
        f"  attempts: {len(attempts)}; statuses {dict(sorted(statuses.items()))} (0: no answer); 5xx or none: {errors}"
    )
    replayed = sum(1 for _subject, answer in attempts if answer.replayed)
    print(f"  creations retried after a 5xx: {len(retried)} ({sum(keyed[s] for s in retried)} with an Idempotency-Key, "
          f"of which {replayed} found their first attempt committed and got its answer back)")  # fmt: skip
    print(f"  created (rows): {sum(rows.values())}; answered 201: {len(answered_201)}")
    print(f"  lost (answered 201, no row): {len(lost)}")
    print(f"  duplicated (two rows for one creation): {len(keyed_twins)} with an Idempotency-Key, "
          f"{len(twins) - len(keyed_twins)} without")  # fmt: skip
    print(f"  created but never answered 201 (committed, answer lost): {len(unanswered)}; "
          f"never created after {RETRIES} retries: {len(gave_up)}")  # fmt: skip
    print(f"  {result}")
    print(
        f"  time to deliver every e-mail after the load: {'not within 180 s' if seconds is None else f'{seconds:.1f} s'}"
    )
    failed = lost or keyed_twins or result.lost or result.duplicated
    print("RESULT:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
