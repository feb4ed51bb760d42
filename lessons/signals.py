"""Signal wiring only: the work is done by the service functions it calls."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .progress import merge_session_read_marks


@receiver(user_logged_in, dispatch_uid="lessons.merge_read_marks")
def merge_visitor_progress(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_session_read_marks(user=user, session=request.session)
