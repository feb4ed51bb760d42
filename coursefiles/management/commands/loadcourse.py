from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from course_format.yamlfile import ContentError
from coursefiles.loading import load_course_file


class Command(BaseCommand):
    help = (
        "Validate and load a course (a folder with course.yaml, or a single YAML file). "
        "Idempotent: upserts by slug, removes what the file no longer has, all in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="content/<course>/ or a course YAML file")

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        try:
            report = load_course_file(path)
        except ContentError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(report.summary()) if report.changed else report.summary()
        )
        if options["verbosity"] >= 1:
            self.stdout.write(report.reading_times())
