"""Pages that answer both ways: the whole page, or, to an htmx swap, only the part that changes.

When the swap pushes its URL (hx-push-url: the calculator's live results, the team dashboard's
sort links, the quiz's next question), that URL is a page of its own and must come back whole
and true on Back, Forward and reload:

- htmx restoring a history entry it has no snapshot of asks for the URL with HX-Request *and*
  HX-History-Restore-Request, and puts the answer into <body>: that needs the whole page, not
  the part (`wants_part`).
- The browser keeps one answer per URL, so the page and the part vary on both headers
  (`answers_both_ways`); otherwise Back, or htmx's restore request, can be given the other one.
  (The calculator's live block lists HX-Request only: it is never fresh in a browser's cache,
  so a restore request that finds it there still asks the server.)
- A page whose htmx snapshot would not be true marks itself hx-history="false", and htmx asks
  the server instead: the quiz (an answered question would come back open), the calculator (a
  snapshot keeps each input's first value beside later results) and the team dashboard
  (learners' progress, which stays out of the browser's session storage).
"""

from django.http import HttpRequest
from django.views.decorators.vary import vary_on_headers

answers_both_ways = vary_on_headers("HX-Request", "HX-History-Restore-Request")


def wants_part(request: HttpRequest) -> bool:
    """An htmx swap of part of the page, not htmx restoring history (which needs all of it)."""
    return bool(request.htmx) and not request.htmx.history_restore_request
