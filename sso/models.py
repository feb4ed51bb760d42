"""Who signed in through the company's identity provider, and which teams admit a domain."""

from django.conf import settings
from django.db import models

from teams.models import Team


class ProviderIdentity(models.Model):
    """The provider's own id for a person (issuer + subject), tied to one account: later
    sign-ins find the account by it, whatever the e-mail says then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_identities"
    )
    issuer = models.CharField(max_length=500)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_identity")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class TeamEmailDomain(models.Model):
    """Everyone who signs in through the provider with a verified address at `domain` joins
    `team` as a learner. (A row of its own rather than a field on Team, so this app owns its
    migration.)"""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(
        max_length=253,
        help_text="An e-mail domain such as example.com: exactly that domain, no subdomains.",
    )

    class Meta:
        ordering = ["domain", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "domain"], name="one_row_per_team_and_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain} → {self.team}"

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)
