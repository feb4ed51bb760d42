def userinfo(claims, user):
    """The provider's claims for a user: an address is verified unless the user is in the
    group "unverified" (how a provider marks an address it never confirmed)."""
    claims["email"] = user.email
    claims["email_verified"] = not user.groups.filter(name="unverified").exists()
    claims["given_name"] = user.first_name
    claims["family_name"] = user.last_name
    claims["preferred_username"] = user.username
    return claims
