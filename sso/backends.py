"""mozilla-django-oidc's backend, set to this site's rules through its public hooks: endpoints
from discovery, the allowed domains, linking by identity or verified e-mail (accounts.py), and
team admission by domain. Password sign-ins pass through it untouched (no code, no network)."""

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import accounts, discovery

# Why a sign-in was refused, for the callback view's message (the library only returns None).
REFUSAL_ATTRIBUTE = "sso_refusal"


def domain_allowed(domain: str) -> bool:
    allowed = [d.lower() for d in settings.MESHLEARN_OIDC_ALLOWED_DOMAINS]
    return bool(domain) and (not allowed or domain in allowed)


class CompanyOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or not discovery.configured():
            return None  # a password sign-in, or sign-in with the provider is off
        found = discovery.endpoints()  # ProviderUnavailable goes up to the callback view
        self.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        if not claims.get("sub") or not accounts.email_domain(claims):
            setattr(self.request, REFUSAL_ATTRIBUTE, "no-email")
            return False
        if not domain_allowed(accounts.email_domain(claims)):
            setattr(self.request, REFUSAL_ATTRIBUTE, "domain")
            return False
        return True

    def filter_users_by_claims(self, claims):
        return accounts.linked_users(issuer=discovery.issuer(), claims=claims)

    def create_user(self, claims):
        user = accounts.account_create(issuer=discovery.issuer(), claims=claims)
        accounts.teams_admit(user=user, claims=claims)
        return user

    def update_user(self, user, claims):
        accounts.account_link(user=user, issuer=discovery.issuer(), claims=claims)
        accounts.teams_admit(user=user, claims=claims)
        return user
