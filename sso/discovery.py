"""The provider's endpoints, read from its discovery document
(https://openid.net/specs/openid-connect-discovery-1_0.html, section 4) when first needed and
kept in the shared cache for an hour; never at start-up, so a provider that is down costs the
sign-in button, not the site."""

import requests
from django.conf import settings
from django.core.cache import cache

NEEDED = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
KEEP_SECONDS = 3600
TIMEOUT_SECONDS = 5


class ProviderUnavailable(Exception):
    """The provider did not answer, or not with a usable discovery document."""


def issuer() -> str:
    return settings.MESHLEARN_OIDC_ISSUER.rstrip("/")


def configured() -> bool:
    return bool(issuer() and settings.OIDC_RP_CLIENT_ID)


def endpoints() -> dict[str, str]:
    key = f"sso:discovery:{issuer()}"
    found = cache.get(key)
    if found is None:
        found = _discover(issuer())
        cache.set(key, found, KEEP_SECONDS)
    return found


def _discover(issuer_url: str) -> dict[str, str]:
    url = issuer_url + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    # The document must be the issuer's own (section 4.3), and name every endpoint we use.
    if not isinstance(document, dict) or document.get("issuer", "").rstrip("/") != issuer_url:
        raise ProviderUnavailable(f"{url}: the document names another issuer")
    if not all(isinstance(document.get(name), str) for name in NEEDED):
        raise ProviderUnavailable(f"{url}: an endpoint is missing")
    return {name: document[name] for name in NEEDED}
