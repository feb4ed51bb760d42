"""Count every learner's read sections per lesson again from their read marks.

lessons/read_counts.py keeps the counts in step as marks come and go; this is for marks written
behind its back (a restore of SectionProgress rows alone, SQL run by hand, bulk inserts).
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from lessons.models import LessonReadCount
from lessons.read_counts import recount


class Command(BaseCommand):
    help = "Count every learner's read sections per lesson again from their read marks."

    def handle(self, *args, **options):
        with transaction.atomic():
            recount()
        self.stdout.write(f"{LessonReadCount.objects.count()} read counts (learner × lesson).")
