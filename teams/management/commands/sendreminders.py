"""Send the assignment reminders and the leads' weekly digest: run it from cron or a systemd
timer (docs/assignments.md). Safe to run as often as you like, and twice at once: what was sent
is recorded, and a reminder already recorded is never sent again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from teams.reminders import Sender


class Command(BaseCommand):
    help = "Send due-soon and overdue reminders and the weekly digest for leads (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent; send nothing."
        )

    def handle(self, *args, **options):
        if not settings.MESHLEARN_SITE_URL:
            # Every email links back to the site (the item, one-click unsubscribe): without the
            # public address those links would lead nowhere.
            raise CommandError(
                "MESHLEARN_SITE_URL is not set: set it to the site's public address, "
                "e.g. https://learn.example.org, so the emails' links work."
            )
        sender = Sender(
            now=timezone.now(),
            days_before=settings.MESHLEARN_REMINDER_DAYS_BEFORE,
            dry_run=options["dry_run"],
        )
        outcome = sender.run()
        prefix = "Would have sent" if options["dry_run"] else "Reminders"
        self.stdout.write(f"{prefix}: {outcome}")
        if outcome.failed:
            self.stderr.write(
                f"{outcome.failed} not sent (the mail server refused); next run retries."
            )
