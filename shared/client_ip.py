"""The learner's IP address, for login throttling (django-axes calls `client_ip`).

Behind a load balancer REMOTE_ADDR is the balancer's address, so every learner would share one
lockout. Each trusted proxy appends the address it received the request from to
X-Forwarded-For; with DJANGO_TRUSTED_PROXY_COUNT=N the learner is the Nth entry from the right.
Entries further left were written by the client and could be forged, so they are never used.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.MESHLEARN_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote  # the request did not come through every proxy: trust only the socket
    return _valid(hops[-proxies]) or remote


def _valid(address: str) -> str | None:
    """The address, or None: axes stores it in an inet column, where junk would be an error."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
