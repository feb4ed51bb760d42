"""Finding or making the account for someone the provider vouches for.

Linking goes by the provider's id first (issuer + subject), then by e-mail, and by e-mail only
when the provider says it verified the address (`email_verified` true): an address the person
merely typed at the provider must not open somebody else's account. Anyone else gets a new
account whose username follows the sign-up rules (no reserved name, no look-alike of a member's:
accounts/usernames.py).
"""

import re
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.models import UsernameSkeleton
from accounts.usernames import is_reserved, skeleton
from teams.services import membership_join

from .models import ProviderIdentity, TeamEmailDomain

MAX_TRIES = 20  # numbered candidates before a random suffix


def verified_email(claims: dict) -> str:
    """The claims' e-mail, lower-cased, when the provider verified it; '' otherwise."""
    email = claims.get("email")
    if claims.get("email_verified") is True and isinstance(email, str) and "@" in email:
        return email.strip().lower()
    return ""


def email_domain(claims: dict) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or email.count("@") != 1:
        return ""
    return email.rsplit("@", 1)[1].strip().lower()


def linked_users(*, issuer: str, claims: dict):
    """The accounts this person signs in to: by identity, else by verified e-mail."""
    User = get_user_model()
    subject = str(claims.get("sub", ""))
    by_identity = User.objects.filter(
        provider_identities__issuer=issuer, provider_identities__subject=subject, is_active=True
    )
    if by_identity.exists():
        return by_identity
    email = verified_email(claims)
    if not email:
        return User.objects.none()
    return User.objects.filter(email__iexact=email, is_active=True)


def username_for(claims: dict) -> str:
    """A free username from the claims (preferred_username, else the address's local part):
    ASCII letters, digits and . _ -, not reserved, no member's look-alike."""
    raw = claims.get("preferred_username") or str(claims.get("email", "")).split("@")[0]
    base = re.sub(r"[^a-z0-9._-]+", "", str(raw).lower())[:30].strip("._-")
    if not base or is_reserved(base):
        base = "learner"
    candidates = [base] + [f"{base}-{n}" for n in range(2, MAX_TRIES + 1)]
    for name in candidates:
        if not UsernameSkeleton.objects.filter(skeleton=skeleton(name)).exists():
            return name
    return f"{base}-{secrets.token_hex(4)}"


@transaction.atomic
def account_create(*, issuer: str, claims: dict):
    """A new account for this person; its e-mail only when verified."""
    User = get_user_model()
    for _ in range(3):  # another sign-in may take the same name at the same moment
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username_for(claims),
                    email=verified_email(claims),
                    first_name=str(claims.get("given_name", ""))[:150],
                    last_name=str(claims.get("family_name", ""))[:150],
                )
                break
        except IntegrityError:
            continue
    else:
        raise IntegrityError("no free username")
    ProviderIdentity.objects.create(user=user, issuer=issuer, subject=str(claims["sub"]))
    return user


def account_link(*, user, issuer: str, claims: dict):
    """Tie the identity to `user` (found by verified e-mail) if not yet."""
    ProviderIdentity.objects.get_or_create(
        issuer=issuer, subject=str(claims["sub"]), defaults={"user": user}
    )
    return user


def teams_admit(*, user, claims: dict) -> int:
    """Join the teams that admit the person's verified domain; returns how many were new."""
    email = verified_email(claims)
    if not email:
        return 0
    domains = TeamEmailDomain.objects.filter(domain=email.rsplit("@", 1)[1]).select_related("team")
    return sum(membership_join(team=row.team, user=user)[1] for row in domains)
