"""The trace's own event (see `trace.catalogue`): the seal that ended a chain's unkeyed history.

Events written before the trace was keyed were hashed with plain SHA-256, which whoever owns the table
could recompute. When keyed hashing came, every chain holding such events received one keyed event
after them (migration 0003): its `prev_hash` binds the whole unkeyed history before it. Nobody is
notified; its payload counts the events it sealed.
"""

from django.utils.translation import gettext_lazy as _

from trace.catalogue import declare

CHAIN_SEALED = declare("trace.chain.sealed", _("History sealed with the trace key"))
