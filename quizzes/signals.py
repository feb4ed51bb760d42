"""Signal wiring only: the work is done by the service function it calls."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .learners import visitor_id
from .services import attempts_merge_visitor


@receiver(user_logged_in, dispatch_uid="quizzes.merge_visitor_attempts")
def merge_visitor_attempts(sender, request, user, **kwargs):
    # Fires for log-in and for sign-up (the signup view calls login()).
    if request is not None and hasattr(request, "session"):
        attempts_merge_visitor(user=user, anon_id=visitor_id(request.session))
