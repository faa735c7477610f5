"""The trace: append-only, hash-chained events (DESIGN.md section 7).

Each event belongs to one chain (a client, or an organisation unit for organisation events) and
carries the hash of the chain's previous event, so that changing or removing any past event breaks
every hash after it. Hashes are keyed with a secret kept outside the database (`trace.hashing`).
The database refuses UPDATE, DELETE and TRUNCATE on the events, and lets a chain head move only
forward, one appended event at a time (triggers, see migrations; docs/trace.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TraceChain(models.Model):
    """The head of one chain: its last hash and length.

    Appending locks this row (SELECT ... FOR UPDATE), which orders concurrent appends to one chain
    without locking the (append-only) event table. A head starts empty, is never removed, and each
    update must point at the event just appended after the previous head (a trigger checks it).
    """

    key = models.CharField(max_length=64, unique=True)
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.key} ({self.length})"


class TraceEvent(models.Model):
    chain = models.CharField(_("chain"), max_length=64)
    position = models.PositiveBigIntegerField(_("position in chain"))
    created_at = models.DateTimeField(_("server time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # a trace row must survive whatever happens to the user row
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    # Plain id, not a foreign key: the trace sits below the CRM and must outlive any client row.
    client_id = models.BigIntegerField(_("client"), null=True, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # How `hash` was computed (`trace.hashing`): `hmac-sha256:<key id>` for every new event; `sha256`
    # (unkeyed) only for events written before the trace was keyed. No default: an event that forgot
    # its scheme must fail, not pass for an unkeyed one.
    hash_scheme = models.CharField(_("hash scheme"), max_length=40)

    class Meta:
        ordering = ["id"]
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="trace_event_chain_position_unique"),
        ]
        indexes = [
            models.Index(fields=["client_id", "id"], name="trace_event_client_idx"),
            models.Index(fields=["object_type", "object_id"], name="trace_event_object_idx"),
            models.Index(fields=["action", "created_at"], name="trace_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"
