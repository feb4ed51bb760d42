"""Django's password reset, with the e-mails it sends bounded per address and per client.

Twelve requests for one address in a few seconds sent twelve e-mails: a way to flood an
inbox. Over either limit the page answers exactly as usual (the same redirect to the same
"check your inbox" page, whether or not the address has an account), and sends nothing.
"""

import logging
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth.views import PasswordResetView
from django.http import HttpResponseRedirect

from shared.throttle import within_limit

logger = logging.getLogger(__name__)
HOUR = timedelta(hours=1)


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        client = get_client_ip_address(self.request) or "unknown"
        allowed = within_limit(
            "password-reset-client", client, settings.MESHLEARN_PASSWORD_RESETS_PER_CLIENT, HOUR
        ) and within_limit(
            "password-reset-email", email, settings.MESHLEARN_PASSWORD_RESETS_PER_ADDRESS, HOUR
        )
        if allowed:
            return super().form_valid(form)
        logger.warning("Password reset over the hourly limit: no e-mail sent")
        return HttpResponseRedirect(self.get_success_url())
