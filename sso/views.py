"""Sign-in with the company's provider: the start (a redirect to the provider) and the callback.
mozilla-django-oidc's views do the protocol (state, nonce, PKCE); these add the endpoints from
discovery and turn every way it can fail into a message on the login page, never a 500."""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from . import discovery
from .backends import REFUSAL_ATTRIBUTE

log = logging.getLogger(__name__)

REFUSALS = {
    "domain": "Sign-in with {name} is open to addresses at {domains} only.",
    "no-email": "{name} did not share your e-mail address, which sign-in needs.",
}


def provider_name() -> str:
    return settings.MESHLEARN_OIDC_PROVIDER_NAME


def _unavailable(request, error: Exception):
    log.warning("sign-in with the provider failed: %s", error)
    messages.error(
        request,
        f"{provider_name()} is not answering just now. Try again in a few minutes, or log in "
        "with your MeshLearn username and password.",
    )
    return redirect("login")


class StartView(OIDCAuthenticationRequestView):
    def get(self, request):
        if not discovery.configured():
            raise Http404("Sign-in with a company account is not set up here.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery.endpoints()["authorization_endpoint"]
        except discovery.ProviderUnavailable as error:
            return _unavailable(request, error)
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not discovery.configured():
            raise Http404("Sign-in with a company account is not set up here.")
        try:
            return super().get(request)
        except (discovery.ProviderUnavailable, requests.RequestException) as error:
            return _unavailable(request, error)

    def login_failure(self):
        refusal = getattr(self.request, REFUSAL_ATTRIBUTE, "")
        text = REFUSALS.get(refusal, "Sign-in with {name} did not complete. Please try again.")
        domains = ", ".join(settings.MESHLEARN_OIDC_ALLOWED_DOMAINS)
        messages.error(self.request, text.format(name=provider_name(), domains=domains))
        return redirect("login")
