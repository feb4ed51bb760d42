from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coursefiles.dumping import dump_course
from lessons.models import Course


class Command(BaseCommand):
    help = "Write a course back as one YAML file, in the format loadcourse reads."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, slug: str, output: Path | None, **options):
        course = Course.objects.filter(slug=slug).first()
        if course is None:
            raise CommandError(f"No course with slug '{slug}'.")
        text = dump_course(course)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
