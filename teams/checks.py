"""`manage.py check --deploy`: settings a production deployment of teams' emails needs."""

from django.conf import settings
from django.core.checks import Warning, register


@register("meshlearn", deploy=True)
def site_url_is_set(app_configs, **kwargs):
    if settings.MESHLEARN_SITE_URL:
        return []
    return [
        Warning(
            "MESHLEARN_SITE_URL is not set, so reminder emails have no address to link to "
            "(sendreminders refuses to run).",
            hint="Set MESHLEARN_SITE_URL to the site's public address, e.g. "
            "https://learn.example.org.",
            id="teams.W001",
        )
    ]
