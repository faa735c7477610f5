"""Who is asking: the client's address, as far as the proxies we trust in front of us say.

One rule for every counter keyed on an address (DRF's throttles through `NUM_PROXIES`, django-axes
through `AXES_CLIENT_IP_CALLABLE`): with no trusted proxy, the socket's address and nothing a client
can write; behind N trusted proxies, the N-th address from the right of `X-Forwarded-For`, the one
the outermost trusted proxy saw. What a client writes to the left of it is ignored, so a forged
header changes nothing.
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address counters key on (the same as DRF's `get_ident` with NUM_PROXIES = TRUSTED_PROXY_COUNT)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip()
