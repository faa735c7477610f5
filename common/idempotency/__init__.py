"""Idempotency keys: a client that may retry a write sends `Idempotency-Key`; a repeat gets the first answer.

A request answered 5xx may still have committed (the database restarted between the commit and the
answer, say), and a person or a program pressing again then creates a twin. With the header, the
whole request runs in one transaction with a row naming its key, so the row exists exactly when the
request's writes do; the same key again gets the stored answer back instead of running again.
"""
