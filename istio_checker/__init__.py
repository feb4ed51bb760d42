"""Istio API knowledge, free of Django: check pasted configs like `istioctl analyze` does and
trace which route a request would take.

    from . import validate, trace, Request
    problems = validate(yaml_text)                  # list[Problem]
    decision = trace(yaml_text, Request(host="reviews", headers={"end-user": "jason"}))
"""

from .checks import validate
from .problems import Problem
from .routing import Request, RouteDecision, parse_headers, route, trace

__all__ = ["Problem", "Request", "RouteDecision", "parse_headers", "route", "trace", "validate"]
