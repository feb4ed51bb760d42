"""Who owns an attempt: a signed-in learner, or a visitor known by a random id in their session.

The visitor id is our own token, not the session key: Django rotates the session key at login,
while the session's data (and so this id) survives it, which lets the login signal find the
visitor's attempts and move them to the account.
"""

import secrets

from django.db.models import QuerySet

from .models import Attempt

SESSION_KEY = "quiz_visitor_id"


def visitor_id(session, *, create: bool = False) -> str:
    """The visitor's id from their session ('' when none), minted on demand."""
    value = session.get(SESSION_KEY, "")
    if not isinstance(value, str) or not 20 <= len(value) <= 64:
        value = ""  # a damaged session entry is replaced, not trusted
    if not value and create:
        value = secrets.token_urlsafe(24)
        session[SESSION_KEY] = value
    return value


def owner(request, *, create: bool = False) -> dict:
    """Keyword arguments naming the requester for the services: user=… or anon_id=…."""
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"anon_id": visitor_id(request.session, create=create)}


def owned_attempts(request) -> QuerySet[Attempt]:
    """Only the requester's own attempts: any other id looked up through this is a 404."""
    if request.user.is_authenticated:
        return attempts_of(user_id=request.user.pk)
    anon_id = visitor_id(request.session)
    if not anon_id:
        return Attempt.objects.none()
    return attempts_of(anon_id=anon_id)


def attempts_of(*, user_id: int | None = None, anon_id: str = "") -> QuerySet[Attempt]:
    """A learner's attempts (user_id) or a visitor's (anon_id, never ''): whose is whose."""
    if user_id is not None:
        return Attempt.objects.filter(user_id=user_id)
    return Attempt.objects.filter(user__isnull=True, anon_id=anon_id)
