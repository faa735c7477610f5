"""The transactional outbox: work that must not be lost, recorded with the change that calls for it.

A service that needs a task run (an e-mail, an alert, anything that must happen once its change is
saved) calls `common.outbox.services.enqueue(task_name, *ids, key=...)` inside its transaction: one
`Outbox` row is written in that transaction, so the work exists exactly when the change does. Once
the transaction commits, the row is published to Celery at once (the fast path, which never raises);
when the broker does not take it, a relay run by beat every few seconds publishes it later. A task
marks its row done when it succeeds; a row published but never done (the broker lost the message, a
worker died) is published again after `OUTBOX_REDELIVER_AFTER`. Tasks are therefore run at least
once, and every task relayed this way must be safe to run twice.

The lowest layer holds it (a Django app inside the shared base, label `outbox`) so that every app,
accounts and reporting included, queues its work the same way. It knows tasks only by name and ids.
"""
