"""The `Idempotency-Key` header on writes (POST, PUT, PATCH, DELETE): run once, answer the same after.

With the header, the request runs in one transaction that also writes a row for the key; its answer
(unless a 5xx, which rolls everything back) is stored in that row. The same caller sending the same
key again, with the same method, path and body, gets the stored answer (header `Idempotent-Replayed:
true`) and nothing runs; with another request under the key, 422. Two copies arriving together wait
for each other on the row's unique key, so one runs and the other replays it. Without the header,
nothing changes.
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


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES:
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return JsonResponse({"detail": _("The Idempotency-Key header must be 1 to 200 printable characters.")},
                                status=400)  # fmt: skip
        scoped = _digest(_caller(request), key)
        fingerprint = _digest(request.method, request.get_full_path(), request.body)
        with transaction.atomic():
            row, created = IdempotentRequest.objects.get_or_create(key=scoped, defaults={"fingerprint": fingerprint})
            if not created:
                return self._replay(row, fingerprint)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)  # nothing of it happened: a repeat runs again
            elif not response.streaming and len(response.content) <= MAX_STORED_BYTES:
                row.status, row.body = response.status_code, response.content
                row.content_type = response.get("Content-Type", "")[:100]
                row.save(update_fields=["status", "body", "content_type"])
            else:
                row.delete()
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
