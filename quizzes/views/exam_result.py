"""A finished practice exam's result: the score, by domain and competency, and the review of
every question with the learner's answer, the right one, the explanation and what to reread.
Reached only through quiz_result, which shows nothing of an attempt still open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from lessons.models import Section

from ..answer_review import attempt_review
from ..exam_results import tallies
from ..models import Attempt, Quiz


def reread_links(course, questions) -> dict[str, tuple[str, str]]:
    """ "lesson/section" → (its URL, its title) for the questions' rereads (one query)."""
    wanted = {q.reread for q in questions if q.reread_anchor}
    if not wanted:
        return {}
    lessons = {reread.partition("/")[0] for reread in wanted}
    rows = Section.objects.filter(
        lesson__course=course, lesson__published=True, lesson__slug__in=lessons
    ).values_list("lesson__slug", "slug", "title", "lesson__title")
    links = {}
    for lesson, section, title, lesson_title in rows:
        key = f"{lesson}/{section}"
        if key in wanted:
            url = reverse("lesson", args=[course.slug, lesson]) + f"#{section}"
            links[key] = (url, f"{lesson_title}: {title}")
    return links


def render_exam_result(request: HttpRequest, quiz: Quiz, attempt: Attempt) -> HttpResponse:
    review = attempt_review(attempt, reveal_unanswered=True)
    marks = [
        (
            item.question.domain,
            item.question.competency,
            bool(item.response and item.response.is_correct),
        )
        for item in review
    ]
    domains, competencies = tallies(marks)
    links = reread_links(quiz.course, [item.question for item in review])
    items = [(item, links.get(item.question.reread)) for item in review]
    to_reread = {
        links[i.question.reread]
        for i, _ in items
        if i.question.reread in links and not (i.response and i.response.is_correct)
    }
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "items": items,
        "domains": domains,
        "competencies": competencies[:8],
        "to_reread": sorted(to_reread, key=lambda link: link[1]),
    }
    return render(request, "quizzes/exam_result.html", context)
