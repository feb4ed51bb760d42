"""Every URL the site answers, found in the URLconf when the tests run, with arguments to fill.

The fuzz and security tests go through this list rather than a hand-kept one, so an endpoint a
colleague adds is covered the day it lands. Django's own admin is left out (its forms are
Django's; the admin login is covered by the login-throttling tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice, product

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
# Apps whose rows the site itself writes as a side effect of any request: not learner data.
BOOKKEEPING_APPS = {"sessions", "axes", "admin", "contenttypes"}


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "courses/<slug:course>/<slug:lesson>/"
    name: str | None
    csrf_exempt: bool

    def __str__(self) -> str:
        return "/" + self.route

    @property
    def arguments(self) -> list[tuple[str, str]]:
        return [(m["name"], m["kind"] or "str") for m in CONVERTER.finditer(self.route)]

    def path(self, values: dict[str, str]) -> str:
        return "/" + CONVERTER.sub(lambda m: str(values[m["name"]]), self.route)


def discover() -> list[Endpoint]:
    found = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin/"):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "(?P" not in route and "^" not in route:
                exempt = getattr(pattern.callback, "csrf_exempt", False)
                found.append(Endpoint(route, pattern.name, exempt))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found), key=lambda endpoint: endpoint.route)


def known_values(name: str, kind: str) -> list[str]:
    """Values from the database for a URL argument: rows that exist, so handlers run deep."""
    values: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in BOOKKEEPING_APPS:
            continue
        fields = {field.name for field in model._meta.concrete_fields}
        if name in fields:
            values.update(str(v) for v in model.objects.values_list(name, flat=True)[:20])
        elif name.endswith("_id") and model._meta.model_name == name[:-3]:
            values.update(str(pk) for pk in model.objects.values_list("pk", flat=True)[:20])
        elif name == "pk" and model._meta.app_label not in {"auth"}:
            values.update(str(pk) for pk in model.objects.values_list("pk", flat=True)[:5])
    if kind == "int":
        values = {v for v in values if v.isdigit()}
    elif kind == "slug":
        values = {v for v in values if re.fullmatch(r"[-a-zA-Z0-9_]+", v)}
    return sorted(values) or (["1"] if kind == "int" else ["nothing-here"])


def some_paths(endpoint: Endpoint, limit: int = 12) -> list[str]:
    """Up to `limit` concrete paths of an endpoint, from known values."""
    names = [name for name, _ in endpoint.arguments]
    choices = [known_values(name, kind) for name, kind in endpoint.arguments]
    combos = islice(product(*choices), limit)
    return [endpoint.path(dict(zip(names, combo, strict=True))) for combo in combos]


def row_counts() -> dict[str, int]:
    """Rows per model of the site's own data (sessions and login-attempt logs left out)."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in BOOKKEEPING_APPS
    }
