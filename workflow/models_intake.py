"""Messages from the public channels (web form, inbound e-mail) waiting for an agent (issue 7, finding 5).

Nobody proves who they are on a public channel: a message is kept as it came, with a random public
reference, and writes nothing into a client's record until an agent matches it to a client (or files a
new one). Loaded by `workflow.models` (its last lines).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from crm.models import Channel, Client

# No 0/O, 1/I/L: a reference is read out on the phone. 10 characters of 31: about 2^49 references.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 10


def new_public_reference() -> str:
    """A reference that says nothing about how many came before and cannot be guessed."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"M-{body[:5]}-{body[5:]}"


class IntakeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an agent")
    MATCHED = "matched", _("Matched to a client")
    DISMISSED = "dismissed", _("Dismissed")


class Intake(models.Model):
    """One message from a public channel, as the writer typed it, until an agent matches it."""

    reference = models.CharField(_("reference"), max_length=16, unique=True, default=new_public_reference)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20)
    category = models.CharField(_("category"), max_length=40, blank=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    # The agency whose reception matches it (the form's choice, else the site's default).
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.PENDING)
    client = models.ForeignKey(Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("client"))  # fmt: skip
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))  # fmt: skip
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # The item the match opened: "SR-12" or "L-7".
    item_reference = models.CharField(_("item"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("public message")
        verbose_name_plural = _("public messages")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status", "-received_at", "-id"], name="intake_pending_idx")]

    def __str__(self) -> str:
        return self.reference
