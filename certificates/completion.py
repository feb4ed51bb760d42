"""Whether a learner has completed a course: the one check a certificate is issued on.

Complete means every section of the course's published lessons read, and every quiz of the
course that can be passed (each published lesson's quizzes and the course-level final exam)
passed by an attempt that counts. Both come from what the server stored (read marks, scored
attempts), never from what a request claims. Practice tasks join here as a third requirement
when they land; callers only see `Completion`.
"""

from dataclasses import dataclass

from django.db.models import F, Q

from lessons.models import Lesson, Section, SectionProgress
from quizzes.models import Attempt, Quiz
from quizzes.question_sets import askable
from quizzes.results import passed_attempts


@dataclass(frozen=True)
class Completion:
    sections_read: int
    sections_total: int
    quizzes_passed: int
    quizzes_total: int
    score: int | None  # percent right over each quiz's best passed attempt; None: no quiz

    @property
    def complete(self) -> bool:
        return (
            self.sections_total > 0
            and self.sections_read >= self.sections_total
            and self.quizzes_passed >= self.quizzes_total
        )


def course_completion(*, user_id: int, course_id: int) -> Completion:
    """Where `user_id` stands in the course (at most 4 queries; 2 while sections are unread)."""
    sections = Section.objects.filter(
        lesson__in=Lesson.objects.published(), lesson__course_id=course_id
    )
    total = sections.count()
    read = SectionProgress.objects.filter(user_id=user_id, section__in=sections).count()
    if not total or read < total:
        return Completion(read, total, 0, 0, None)  # the quizzes need not be asked yet
    quizzes = Quiz.objects.filter(askable(), course_id=course_id).filter(
        Q(lesson__isnull=True) | Q(lesson__in=Lesson.objects.published())
    )
    passed = (
        Attempt.objects.counted()
        .filter(passed_attempts(F("quiz__pass_percent")), user_id=user_id, quiz__in=quizzes)
        .values_list("quiz_id", "score", "total")
    )
    best: dict[int, tuple[int, int]] = {}
    for quiz_id, score, out_of in passed:
        if quiz_id not in best or score * best[quiz_id][1] > best[quiz_id][0] * out_of:
            best[quiz_id] = (score, out_of)
    quiz_total = quizzes.count()
    right, asked = sum(s for s, _ in best.values()), sum(t for _, t in best.values())
    score = round(100 * right / asked) if asked else None
    return Completion(read, total, len(best), quiz_total, score)
