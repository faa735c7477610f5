from django.db import models
from django.db.models import Q
from django.utils import timezone


class Outbox(models.Model):
    """One piece of work to run by a Celery task, written in the transaction of the change that needs it.

    Pending while `done_at` is empty. `due_at` is when the relay publishes it (again) unless it is done
    by then: set past the redelivery delay when it is written or published, brought forward to now
    when the broker refused it.
    """

    task = models.CharField(max_length=200)
    # Ids only, never rows: the task reads the state as it is when it runs.
    args = models.JSONField(default=list)
    # The same key is the same work: recording it again does nothing.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["due_at"], condition=Q(done_at__isnull=True), name="outbox_pending_due")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} [{self.key}]"
