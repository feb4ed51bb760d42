"""Signal wiring only: the work is done by progress.py."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .progress import merge_session_progress


@receiver(user_logged_in, dispatch_uid="practice.merge_visitor_progress")
def merge_visitor_progress(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_session_progress(user=user, session=request.session)
