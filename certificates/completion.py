"""Whether a learner has completed a course: the one check a certificate is issued on.

Complete means every section of the course's published lessons read, every practice task of
those lessons passed, and every quiz of the course that can be passed (each published lesson's
quizzes and the course-level final exam) passed by an attempt that counts (issue 25). All come
from what the server stored (read marks, task passes recorded by the grader, scored attempts),
never from what a request claims; callers only see `Completion`. A task passed after its
solution was shown counts, as it does for the lesson's completion (practice/models.py).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from lessons.models import Lesson, Section, SectionProgress
from practice.models import Task, TaskProgress
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
    tasks_passed: int = 0
    tasks_total: int = 0

    @property
    def complete(self) -> bool:
        return (
            self.sections_total > 0
            and self.sections_read >= self.sections_total
            and self.tasks_passed >= self.tasks_total
            and self.quizzes_passed >= self.quizzes_total
        )


def task_counts(*, user_id: int, course_id: int) -> tuple[int, int]:
    """(tasks passed by the learner, tasks) of the course's published lessons: one query."""
    passed = TaskProgress.objects.filter(
        user_id=user_id, task=OuterRef("pk"), passed_at__isnull=False
    )
    counts = Task.objects.filter(
        lesson__in=Lesson.objects.published(), lesson__course_id=course_id
    ).aggregate(total=Count("id"), passed=Count("id", filter=Q(Exists(passed))))
    return counts["passed"], counts["total"]


def course_completion(*, user_id: int, course_id: int) -> Completion:
    """Where `user_id` stands in the course (at most 5 queries; 2 while sections are unread,
    3 while tasks are open)."""
    sections = Section.objects.filter(
        lesson__in=Lesson.objects.published(), lesson__course_id=course_id
    )
    total = sections.count()
    read = SectionProgress.objects.filter(user_id=user_id, section__in=sections).count()
    if not total or read < total:
        return Completion(read, total, 0, 0, None)  # the tasks and quizzes need not be asked yet
    tasks_passed, tasks_total = task_counts(user_id=user_id, course_id=course_id)
    if tasks_passed < tasks_total:
        return Completion(read, total, 0, 0, None, tasks_passed, tasks_total)
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
    return Completion(read, total, len(best), quiz_total, score, tasks_passed, tasks_total)
