"""Fault: Redis (broker and cache) stops while items are created and routed over HTTP, then comes back.

    .venv/bin/python scripts/faults/redis_outage.py [--redis-port 6390] [--pg-port 5440] [--items 200]

With the app running as in production (gunicorn, a Celery worker, beat; its own Redis and PostgreSQL),
Redis is stopped, `--items` service requests and leads are created over the API (eight at a time),
with reads and a sign-in alongside, then Redis starts again, empty (no persistence: whatever it held
is gone, the worst case). Expected: no answer is a 5xx, every item answered 201 exists once, and every
notification e-mail of those items is delivered exactly once within a minute of Redis returning.

Prints the counts; exits 1 when anything was answered 5xx, lost, duplicated or late.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scripts.faults import harness  # noqa: E402

DELIVERY_DEADLINE = 60  # seconds after Redis returns
TAG = "outage"


def main() -> int:
    options = harness.arguments(__doc__.splitlines()[0])
    env = {"OUTBOX_RELAY_INTERVAL": "5"}
    with harness.Run(options, extra_env=env) as app:
        app.start_like_production()
        harness.log(f"seed's e-mails relayed in {harness.outbox_drained():.1f} s; stopping Redis")
        app.redis.stop()

        token = app.tokens["reception_lille"]
        started = time.monotonic()
        calls = [harness.creation(app, n, tag=TAG) for n in range(options.items)]
        # Reads during the outage: throttles and every authenticated call read the cache.
        for path in ("/api/v1/service-requests/", "/api/v1/notifications/"):
            calls += [lambda path=path: harness.call(app.web_port, "GET", path, token=token) for _ in range(10)]
        answers = harness.in_parallel(calls)
        creations = answers[: options.items]
        took = time.monotonic() - started
        harness.log(f"{len(answers)} calls during the outage in {took:.1f} s: statuses {harness.statuses(answers)}")
        sign_in = app.sign_in_call("reception_amiens")
        harness.log(f"a sign-in during the outage: {sign_in.status}")
        answers.append(sign_in)

        harness.log("starting Redis again (empty)")
        app.redis.start()
        items = harness.items_of(TAG)
        result, seconds = harness.wait_for_mails(app, items, timeout=DELIVERY_DEADLINE + 60)
        time.sleep(10)  # anything sent twice would arrive now
        result, _ = harness.wait_for_mails(app, items, timeout=0)

        server_errors = sum(1 for answer in answers if answer.status >= 500 or answer.status == 0)
        created = [answer for answer in creations if answer.status == 201]
        counts = harness.created_subjects(TAG)
        lost = len(harness.answered_items(creations) - set(items))
        twins = sum(count - 1 for count in counts.values() if count > 1)
        trace_ok = harness.verify_trace(app)

    print()
    print(f"Redis outage: {options.items} items created and routed while Redis was down")
    print(f"  answers 5xx (or none): {server_errors} of {len(answers)} calls; creations {harness.statuses(creations)}")
    print(f"  items answered 201: {len(created)}; lost: {lost}; duplicated rows: {twins}")
    print(f"  {result}")
    late = seconds is None or seconds > DELIVERY_DEADLINE
    print(f"  time to deliver every e-mail after Redis returned: "
          f"{'not within the deadline' if seconds is None else f'{seconds:.1f} s'}")  # fmt: skip
    print(f"  trace verifies: {trace_ok}")
    failed = server_errors or lost or twins or result.lost or result.duplicated or late or not trace_ok
    failed = failed or len(created) != options.items
    print("RESULT:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
