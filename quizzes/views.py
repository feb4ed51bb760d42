"""Taking a quiz: the cover, one question at a time, feedback after each answer, the result.

Thin views: look up (attempts only through `owned_attempts`, so another learner's id is a 404;
a visitor who owns no such attempt is told, by htmx, that they are signed out), call a service,
render. With htmx the answer POST returns the feedback partial; without JavaScript it redirects
(POST-redirect-GET) to the same feedback as a full page; with htmx that page's URL goes into the
address bar, so reload and Back show the feedback too. Nothing about a question's right answer
or explanation is rendered until the learner has answered it.

Learners and visitors find published quizzes only: every URL of a draft quiz is a 404 for them.
Staff, who see draft lessons to preview them, may take a draft quiz too, as learners will once
it is published; their attempts there are previews (Attempt.preview), which count nowhere
learners' results are reported.
"""

from dataclasses import dataclass
from operator import itemgetter

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, push_url

from lessons.progress import mark_quiz_sections_read_for_visitor
from shared.htmx import answers_both_ways, wants_part
from shared.ids import parse_id

from . import choice_order, services
from .answer_review import ChoiceRow, choice_rows, review_of
from .learners import owned_attempts, owner, visitor_id
from .models import Attempt, Question, Quiz, Response
from .question_sets import attempt_answers, attempt_questions, question_count
from .results import quiz_history
from .services import AnswerRefused, AnswerSheet

TAKE = "quizzes/take.html"

# A quiz page shows one learner's attempt as it is now, and the next answer changes it.
# "no-store", not "private, no-cache": Back shows whatever page the browser kept, without asking
# the server, no-cache or not (Chromium does; tests/browser/test_quiz_journey.py); only a page
# it never kept comes back current.
never_stored = cache_control(private=True, no_store=True)


def _previews_drafts(request: HttpRequest) -> bool:
    """Whether the requester may take draft quizzes: whoever sees draft lessons (staff)."""
    return request.user.is_staff  # False for a visitor (AnonymousUser)


def _quiz(request: HttpRequest, slug: str) -> Quiz:
    """The quiz `slug` if the requester may take it (a published one; for staff, any), or 404."""
    quizzes = Quiz.objects.select_related("course", "lesson__course")
    if not _previews_drafts(request):
        quizzes = quizzes.published()
    return get_object_or_404(quizzes, slug=slug)


def _is_preview(quiz: Quiz) -> bool:
    """Whether an attempt started at `quiz` now is a staff preview (only staff reach a draft),
    which for a drawn exam draws from draft lessons too (question_sets._pooled)."""
    return not quiz.is_published


def _history(request: HttpRequest, quiz: Quiz):
    """The requester's attempts at `quiz`, newest first, as its pages list them: a draft's
    page lists its previews; a published quiz's only the attempts that count."""
    attempts = owned_attempts(request).filter(quiz=quiz)
    return quiz_history(attempts.counted() if quiz.is_published else attempts)


def _see_other(url: str) -> HttpResponseRedirect:
    """POST-redirect-GET: 303 tells the browser to follow with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _result_url(attempt: Attempt) -> str:
    return reverse("quiz-result", args=[attempt.quiz.slug, attempt.id])


def _feedback_url(slug: str, attempt_id: int, question_id: int) -> str:
    return reverse("quiz-feedback", args=[slug, attempt_id, question_id])


# --- pages ------------------------------------------------------------------------------------


@require_safe
@never_stored
@answers_both_ways
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Resume the open attempt at its first unanswered question, or show the cover."""
    quiz = _quiz(request, slug)
    attempt = owned_attempts(request).filter(quiz=quiz, finished_at__isnull=True).first()
    if attempt is None:
        # Only a page htmx drew asks with htmx ("Next question", Back): a requester with no
        # account and no visitor id was signed out meanwhile. A plain visit is a visitor's cover.
        if request.htmx and _signed_out(request):
            return _signed_out_reply(request, quiz)
        if wants_part(request):  # e.g. "Next" in a tab whose attempt was finished in another one
            return HttpResponseClientRedirect(quiz.get_absolute_url())
        return _cover(request, quiz)
    attempt.quiz = quiz
    questions = attempt_questions(attempt)
    answered = set(attempt.responses.values_list("question_id", flat=True))
    question = next((q for q in questions if q.id not in answered), None)
    if question is None:  # its last open question was deleted meanwhile
        attempt = services.attempt_settle(attempt=attempt)
        mark_quiz_sections_read_for_visitor(request, attempt)
        url = _result_url(attempt)
        return HttpResponseClientRedirect(url) if wants_part(request) else redirect(url)
    asked = [q.id for q in questions]
    return _render_question(request, attempt, question, asked, len(answered))


def _cover(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    history = _history(request, quiz)
    context = {
        "quiz": quiz,
        "count": question_count(quiz, drafts=_is_preview(quiz)),
        "entry": history[0] if history else None,
    }
    return render(request, "quizzes/quiz.html", context)


def _render_question(
    request,
    attempt: Attempt,
    question: Question,
    asked: list[int],
    answered: int,
    *,
    error: str = "",
) -> HttpResponse:
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": question,
        "choices": _shown_choices(attempt, question),
        "number": asked.index(question.id) + 1,
        "count": len(asked),
        "score": attempt.score,
        "answered": answered,
        "error": error,
        "mode": "question",
    }
    return render(request, f"{TAKE}#question" if wants_part(request) else TAKE, context)


def _shown_choices(attempt: Attempt, question: Question) -> list[dict]:
    """The question's choices in the attempt's order, each with the token its form sends.

    Only ids and texts are read (whether a choice is right is not even read for this page), and
    only the tokens and texts are shown: ids follow the authoring order (choice_order.py).
    """
    rows = attempt.in_shown_order(
        question.id, list(question.choices.values("id", "text")), itemgetter("id")
    )
    tokens = choice_order.tokens(attempt.choice_seed, question.id, [row["id"] for row in rows])
    return [{"token": tokens[row["id"]], "text": row["text"]} for row in rows]


def _render_feedback(request, sheet: AnswerSheet, *, notice: str = "") -> HttpResponse:
    attempt, question, asked = sheet.attempt, sheet.question, sheet.asked
    finished = attempt.finished_at is not None
    htmx, correct = wants_part(request), sheet.response.is_correct
    # Flat values, each found at the first lookup: rendering is a large part of an answer's cost.
    context = {
        "quiz": attempt.quiz,
        "htmx": htmx,
        "correct": correct,
        "review": review_of(question, choice_rows(sheet.choices, sheet.chosen), correct, htmx),
        "number": asked.index(question.id) + 1 if question.id in asked else 0,
        "count": len(asked),
        "score": attempt.score,
        "answered": len(asked) if finished else sheet.answered,
        "finished": finished,
        "notice": notice,
        "next_url": _result_url(attempt) if finished else attempt.quiz.get_absolute_url(),
        "mode": "feedback",
    }
    if htmx:
        # The partial needs nothing from the request, so no context processors run for it.
        return HttpResponse(render_to_string(f"{TAKE}#feedback", context))
    return render(request, TAKE, context)


def _stored_sheet(attempt: Attempt, question: Question, response: Response) -> AnswerSheet:
    """The feedback on an answer stored earlier, read back (a page reload, a replayed POST)."""
    answers = attempt_answers(attempt)
    through = Response.choices.through.objects.filter(response=response)
    return AnswerSheet(
        attempt=attempt,
        question=question,
        choices=attempt.in_shown_order(question.id, list(question.choices.all())),
        response=response,
        chosen=set(through.values_list("choice_id", flat=True)),
        asked=list(answers),
        answered=sum(1 for mark in answers.values() if mark is not None),
    )


@require_POST
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (or, when one is open, resume) an attempt; also the result page's "Retake"."""
    quiz = _quiz(request, slug)
    # Only staff reach a draft here: their attempt is a preview.
    preview = _is_preview(quiz)
    if not question_count(quiz, drafts=preview):
        messages.info(request, "This quiz has no questions yet.")
        return _see_other(quiz.get_absolute_url())
    services.attempt_start(quiz=quiz, preview=preview, **owner(request, create=True))
    return _see_other(quiz.get_absolute_url())


@require_POST
def quiz_answer(request: HttpRequest, slug: str) -> HttpResponse:
    attempt_id = parse_id(request.POST.get("attempt"))
    if attempt_id is None:
        raise Http404("No such attempt.")
    # Read by the service once it has the attempt (the tokens are its own): a value that names
    # no choice of the question is refused as foreign, after the other checks (finished
    # attempt, question answered already).
    values = request.POST.getlist("choice")
    who = owner(request)
    if not any(who.values()):  # signed out, or a visitor whose session has no attempt
        return _not_theirs(request, slug)
    try:
        # The service finds the attempt itself (the requester's own, at this published quiz;
        # for staff, at this quiz whether published or not) in the query that locks it.
        sheet = services.attempt_answer_as(
            slug=slug,
            attempt_id=attempt_id,
            question_id=parse_id(request.POST.get("question")),
            values=values,
            drafts=_previews_drafts(request),
            **who,
        )
    except Attempt.DoesNotExist:
        return _not_theirs(request, slug)
    except AnswerRefused as refused:
        attempt = refused.attempt or _owned_attempt(request, slug, attempt_id)
        return _refused(request, attempt, refused)
    if sheet.attempt.finished_at is not None:  # a visitor's marks live in the session
        mark_quiz_sections_read_for_visitor(request, sheet.attempt)
    feedback_url = _feedback_url(slug, attempt_id, sheet.question.id)
    if request.htmx:
        # Its own URL in the address bar: a reload or Back shows this feedback, not what follows.
        return push_url(_render_feedback(request, sheet), feedback_url)
    return _see_other(feedback_url)


def _signed_out(request) -> bool:
    """No account and no visitor id: no attempt can be theirs. Mid-quiz, that is a learner who
    signed out in another tab, or whose session expired (logging out ends the session)."""
    return not request.user.is_authenticated and not visitor_id(request.session)


def _login_url(quiz: Quiz, next_url: str = "") -> str:
    return f"{reverse('login')}?{urlencode({'next': next_url or quiz.get_absolute_url()})}"


def _signed_out_reply(request, quiz: Quiz) -> HttpResponse:
    """To htmx, the words for a visitor mid-quiz who owns no such attempt: a 401 carrying the
    quiz panel (static/js/site.js swaps it in, as it does the whole page htmx asks for on Back),
    with the way back in through the login page to the quiz. The same whether the attempt exists
    and whose it is."""
    context = {
        "quiz": quiz,
        "login_url": _login_url(quiz),
        "answering": request.method == "POST",
        "mode": "signed-out",
    }
    template = f"{TAKE}#signed-out" if wants_part(request) else TAKE
    response = render(request, template, context, status=401)
    response["HX-Push-Url"] = "false"  # a refusal is no place to go Back to
    return response


def _not_theirs(request, slug: str) -> HttpResponse:
    """An answer to an attempt the requester does not own, at a quiz they may take.

    A signed-in learner gets a 404, as for an attempt that does not exist. A visitor is most
    often a learner who signed out in another tab, or whose session expired, mid-quiz: they
    are told so (_signed_out_reply), with the way back in through the login page; a plain form
    is sent to the quiz's page with the same words. Either answer is the same whether the
    attempt exists and whose it is.
    """
    quiz = _quiz(request, slug)
    if request.user.is_authenticated:
        raise Http404("No such attempt.")
    if request.htmx:
        return _signed_out_reply(request, quiz)
    # The quiz's page, not a page drawn for this POST: its own header's "Log in" returns there.
    messages.warning(
        request,
        format_html(
            "<strong>You are signed out</strong> (in another tab, or your session expired), "
            'so this answer was not saved. <a href="{}">Sign in again to keep answering</a>.',
            _login_url(quiz),
        ),
    )
    return _see_other(quiz.get_absolute_url())


def _attempt_page_not_theirs(request, quiz: Quiz) -> HttpResponse:
    """An attempt's page (feedback, result) that is not the requester's, at a quiz they may take.

    A signed-in learner gets a 404. A visitor gets, with htmx, the signed-out panel; without, a
    404 that offers the login page, back to this address (logged in, it may be theirs). Both
    read the same whether the attempt exists and whose it is.
    """
    if request.user.is_authenticated:
        raise Http404("No such attempt.")
    if request.htmx:
        return _signed_out_reply(request, quiz)
    context = {"quiz": quiz, "login_url": _login_url(quiz, request.get_full_path())}
    return render(request, "quizzes/attempt_not_found.html", context, status=404)


def _find_owned(request, quiz: Quiz, attempt_id: int) -> Attempt | None:
    """The requester's attempt `attempt_id` at `quiz` (with the quiz), or None."""
    attempt = owned_attempts(request).filter(quiz=quiz, pk=attempt_id).first()
    if attempt is not None:
        attempt.quiz = quiz
    return attempt


def _owned_attempt(request, slug: str, attempt_id: int) -> Attempt:
    """The requester's attempt `attempt_id` at the quiz `slug` they may take, with the quiz; or
    404."""
    attempt = _find_owned(request, _quiz(request, slug), attempt_id)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _refused(request, attempt: Attempt, refused: AnswerRefused) -> HttpResponse:
    """Say why the answer was not taken, and show where the learner really is."""
    quiz, question = attempt.quiz, refused.question
    if refused.code == "answered" and question is not None:
        target = _feedback_url(quiz.slug, attempt.id, question.id)
    elif refused.code == "finished":
        target = _result_url(attempt)
    else:
        target = quiz.get_absolute_url()
    if not request.htmx:
        messages.warning(request, refused.message)
        return _see_other(target)
    if refused.code == "answered" and refused.response is not None:
        sheet = _stored_sheet(attempt, question, refused.response)
        return push_url(_render_feedback(request, sheet, notice=refused.message), target)
    if refused.code in {"empty", "foreign", "too-many"}:
        answers = attempt_answers(attempt)
        answered = sum(1 for mark in answers.values() if mark is not None)
        return _render_question(
            request, attempt, question, list(answers), answered, error=refused.message
        )
    context = {"quiz": quiz, "message": refused.message, "link": target, "mode": "notice"}
    context["link_text"] = "See your result" if refused.code == "finished" else "Back to the quiz"
    return render(request, f"{TAKE}#notice", context)


@require_safe
@never_stored
@answers_both_ways
def quiz_feedback(
    request: HttpRequest, slug: str, attempt_id: int, question_id: int
) -> HttpResponse:
    """The feedback on one answered question, as a full page: the no-JavaScript path, and the
    address of the feedback htmx swapped in, for reload and Back."""
    quiz = _quiz(request, slug)
    attempt = _find_owned(request, quiz, attempt_id)
    if attempt is None:
        return _attempt_page_not_theirs(request, quiz)
    response = (
        Response.objects.filter(attempt=attempt, question_id=question_id)
        .select_related("question")
        .first()
    )
    if response is None:  # not answered (yet): never show the answer before it is given
        return redirect(quiz.get_absolute_url())
    return _render_feedback(request, _stored_sheet(attempt, response.question, response))


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    response: Response | None
    rows: list[ChoiceRow]


@require_safe
@never_stored
@answers_both_ways  # a signed-out visitor's htmx request gets the quiz panel's 401
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    quiz = _quiz(request, slug)
    attempt = _find_owned(request, quiz, attempt_id)
    if attempt is None:
        return _attempt_page_not_theirs(request, quiz)
    if attempt.finished_at is None:  # no review of an attempt still being taken
        return redirect(quiz.get_absolute_url())
    responses = {r.question_id: r for r in attempt.responses.prefetch_related("choices")}
    review = []
    for question in attempt_questions(attempt, with_choices=True):
        response = responses.get(question.id)
        # A question added after this attempt was not answered in it: its answer stays hidden.
        rows = (
            choice_rows(
                attempt.in_shown_order(question.id, list(question.choices.all())),
                {c.id for c in response.choices.all()},
            )
            if response
            else []
        )
        review.append(ReviewItem(question, response, rows))
    history = _history(request, quiz)
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "review": review,
        "entry": history[0] if history else None,
    }
    return render(request, "quizzes/result.html", context)
