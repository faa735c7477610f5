"""Writes (POST, PUT, PATCH, DELETE) run in one transaction, and once per `Idempotency-Key`.

A 5xx answer means nothing happened: the whole request, not only each service, is one transaction,
rolled back when the answer is a 5xx. A service that committed and a view that then failed (the
database restarted while it read the item back to answer) used to leave a saved change behind an
error, and the person's retry made a twin; the PostgreSQL fault script counted 3 in 8 such retries.
Reads are left alone (on SQLite a transaction takes the write lock).

With the `Idempotency-Key` header, that transaction also writes a row for the caller's key and
stores the answer in it (unless a 5xx). The same caller sending the same key again, with the same
method, path and body, gets the stored answer (header `Idempotent-Replayed: true`) and nothing runs;
with another request under the key, 422. Two copies arriving together wait for each other on the
row's unique key, so one runs and the other replays it. This covers what the transaction alone
cannot: a commit whose answer was lost on its way back.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.http import client_address
from common.idempotency.models import IdempotentRequest

HEADER = "Idempotency-Key"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
MAX_KEY_LENGTH = 200
# Answers larger than this are not kept (a repeat runs again): writes answer with one item.
MAX_STORED_BYTES = 1_000_000


def _digest(*parts: str | bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part if isinstance(part, bytes) else part.encode())
        hashed.update(b"\0")
    return hashed.hexdigest()


def _caller(request: HttpRequest) -> str:
    """Whose key it is: the credentials the request carries (API key, session), else its address."""
    credentials = request.headers.get("Authorization", "") or request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    return f"credentials:{credentials}" if credentials else f"address:{client_address(request)}"


class AtomicWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in WRITES:
            return self.get_response(request)
        key = request.headers.get(HEADER)
        if key is not None and (not key or len(key) > MAX_KEY_LENGTH or not key.isprintable()):
            return JsonResponse({"detail": _("The Idempotency-Key header must be 1 to 200 printable characters.")},
                                status=400)  # fmt: skip
        with transaction.atomic():
            row = None
            if key is not None:
                fingerprint = _digest(request.method, request.get_full_path(), request.body)
                row, created = IdempotentRequest.objects.get_or_create(
                    key=_digest(_caller(request), key), defaults={"fingerprint": fingerprint}
                )
                if not created:
                    return self._replay(row, fingerprint)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)  # nothing of it happened: a repeat runs again
            elif row is not None and not response.streaming and len(response.content) <= MAX_STORED_BYTES:
                row.status, row.body = response.status_code, response.content
                row.content_type = response.get("Content-Type", "")[:100]
                row.save(update_fields=["status", "body", "content_type"])
            elif row is not None:
                row.delete()  # too large to keep: a repeat runs again
        return response

    @staticmethod
    def _replay(row: IdempotentRequest, fingerprint: str) -> HttpResponse:
        if row.fingerprint != fingerprint:
            return JsonResponse({"detail": _("This Idempotency-Key was used for another request.")}, status=422)
        response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
        response["Idempotent-Replayed"] = "true"
        return response


def prune() -> int:
    """Delete the keys older than IDEMPOTENCY_KEEP_HOURS; return how many."""
    before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEEP_HOURS)
    deleted, _count = IdempotentRequest.objects.filter(created_at__lt=before).delete()
    return deleted
