"""A finished practice exam's result: the score, by domain and competency, and the review of
every question with the learner's answer, the right one, the explanation and what to reread,
and of every task with the learner's config, each check passed or failed, and the solution.
Reached only through quiz_result, which shows nothing of an attempt still open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..answer_review import attempt_review
from ..exam_results import tallies
from ..exam_tasks import review_items
from ..models import Attempt, Quiz
from ..readiness import reread_links


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
    # Its tasks (issue 24) count in their domain like questions: 1 when every check passed.
    tasks = review_items(attempt)
    marks += [(item.task.domain, item.task.competency, bool(item.passed)) for item in tasks]
    domains, competencies = tallies(marks)
    # The exam draws from its own course's questions only (bank_pool.py).
    links = reread_links({(quiz.course_id, item.question.reread) for item in review})
    items = [(item, links.get((quiz.course_id, item.question.reread))) for item in review]
    wrong = {
        link for item, link in items if link and not (item.response and item.response.is_correct)
    }
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "items": items,
        "tasks": tasks,
        "domains": domains,
        "competencies": competencies[:8],
        "to_reread": sorted(wrong, key=lambda link: link[1]),
    }
    return render(request, "quizzes/exam_result.html", context)
