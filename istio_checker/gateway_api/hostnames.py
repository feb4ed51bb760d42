"""Hostnames as the Gateway API matches them.

- `*.example.com` matches `foo.example.com` and `a.b.example.com`, never `example.com`
  (https://gateway-api.sigs.k8s.io/reference/spec/#hostname).
- A route attached to a listener serves the intersection of its `hostnames` with the
  listener's `hostname`: a route without hostnames takes the listener's; a listener without a
  hostname takes the route's; `*.example.com` and `foo.example.com` intersect in
  `foo.example.com` (HTTPRouteSpec.hostnames in the reference; istio/istio
  pilot/pkg/config/kube/gateway/route_collections.go intersects them the same way).
- A request goes to the routes of the most specific hostname that matches its Host: an exact
  name before wildcards, a longer wildcard before a shorter one. Routes of a less specific
  hostname are not tried even when no rule of the chosen one matches (Istio builds one Envoy
  virtual host per hostname, and Envoy picks the virtual host first).
"""

from __future__ import annotations

ANY = "*"


def matches(pattern: str, host: str) -> bool:
    if pattern == ANY:
        return True
    if pattern.startswith("*."):
        suffix = pattern[1:]  # ".example.com"
        return host.endswith(suffix) and len(host) > len(suffix)
    return pattern == host


def intersect(route_hosts: list[str], listener_host: str | None) -> list[str]:
    """The hostnames a route serves on a listener; empty if they do not meet."""
    if not listener_host:
        return route_hosts or [ANY]
    if not route_hosts:
        return [listener_host]
    found = []
    for host in route_hosts:
        if host == listener_host or matches(listener_host, host):
            found.append(host)
        elif matches(host, listener_host):
            found.append(listener_host)
    return found


def specificity(pattern: str) -> tuple[int, int]:
    """Higher is more specific: exact names first, then wildcards by length, `*` last."""
    if pattern == ANY:
        return (0, 0)
    if pattern.startswith("*."):
        return (1, len(pattern))
    return (2, len(pattern))
