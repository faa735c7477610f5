from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    """A write done under an Idempotency-Key, with its answer, kept for IDEMPOTENCY_KEEP_HOURS."""

    # A digest of the caller's credentials and their key: one caller's key never meets another's.
    key = models.CharField(max_length=64, unique=True)
    # A digest of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}… → {self.status}"
