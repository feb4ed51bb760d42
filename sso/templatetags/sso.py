from django import template

from sso import discovery
from sso.views import provider_name

register = template.Library()


@register.inclusion_tag("sso/_login_button.html")
def sso_login_button(next_url: str = "") -> dict:
    """The "Sign in with …" link, only when a provider is configured (no network here)."""
    return {"shown": discovery.configured(), "name": provider_name(), "next": next_url}
