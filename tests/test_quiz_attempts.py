"""Taking a quiz: the services that store answers, and the pages, with htmx and without.

Every integrity point of the quiz issue has a test here: scoring on the server only, nothing
revealed before answering, one open attempt and one response per question (in the database),
refusals that never change the score, isolation between learners, and visitors' attempts
moving to their account at login and sign-up.
"""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course, Lesson, Section, SectionProgress
from quizzes import choice_order, services
from quizzes.learners import SESSION_KEY as VISITOR_KEY
from quizzes.models import Attempt, Choice, Question, Quiz, Response
from quizzes.services import AnswerRefused

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

# Three questions whose explanations and "why" texts are easy to look for in responses.
QUESTIONS = [
    (
        "single",
        "Which proxy runs beside each workload in sidecar mode?",
        "EXPLAIN-ONE: Envoy is the sidecar.",
        [("Envoy", True, ""), ("nginx", False, "WHY-ONE-NGINX"), ("HAProxy", False, "WHY-ONE-HA")],
    ),
    (
        "multiple",
        "Which fields make up circuit breaking? Select all that apply.",
        "EXPLAIN-TWO: connectionPool with outlierDetection.",
        [
            ("connectionPool", True, ""),
            ("outlierDetection", True, ""),
            ("circuitBreaker", False, "WHY-TWO-CB"),
        ],
    ),
    (
        "single",
        "What is the default mTLS mode?",
        "EXPLAIN-THREE: PERMISSIVE by default.",
        [("PERMISSIVE", True, ""), ("STRICT", False, "WHY-THREE-STRICT")],
    ),
]
SECRETS = [q[2] for q in QUESTIONS] + [c[2] for q in QUESTIONS for c in q[3] if c[2]]


def make_quiz(course: Course, slug: str = "three-q", questions=QUESTIONS, **fields) -> Quiz:
    quiz = Quiz.objects.create(slug=slug, title=f"Quiz {slug}", course=course, **fields)
    for order, (kind, prompt, explanation, choices) in enumerate(questions):
        question = Question.objects.create(
            quiz=quiz, order=order, kind=kind, prompt=prompt, explanation=explanation
        )
        for position, (text, correct, why) in enumerate(choices):
            Choice.objects.create(
                question=question, order=position, text=text, is_correct=correct, why=why
            )
    return quiz


@pytest.fixture
def quiz(mini_course):
    return make_quiz(mini_course, lesson=Lesson.objects.get(slug="first"))


def questions_of(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.prefetch_related("choices"))


def right(question: Question) -> list[int]:
    return [c.id for c in question.choices.all() if c.is_correct]


def wrong(question: Question) -> list[int]:
    return [c.id for c in question.choices.all() if not c.is_correct][:1]


def form_values(attempt: Attempt, question: Question, choices) -> list[str]:
    """What the page sends for these choice ids: the attempt's tokens (quizzes/choice_order.py),
    also for a choice of another question (which the answer refuses). A string is sent as it is
    (a malformed value)."""
    choices = choices if isinstance(choices, list | tuple | set) else [choices]
    ids = [choice for choice in choices if isinstance(choice, int)]
    tokens = choice_order.tokens(attempt.choice_seed, question.id, ids)
    return [tokens[choice] if isinstance(choice, int) else choice for choice in choices]


def answer(client, quiz, attempt, question, choice_ids, **extra):
    values = form_values(attempt, question, choice_ids)
    data = {"attempt": attempt.id, "question": question.id, "choice": values}
    return client.post(reverse("quiz-answer", args=[quiz.slug]), data, **extra)


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quiz-start", args=[quiz.slug]))
    assert response.status_code == 303
    return Attempt.objects.filter(quiz=quiz, finished_at__isnull=True).latest("id")


def html_of(response) -> str:
    return response.content.decode()


def without_tokens(html: str) -> str:
    """CSRF tokens differ on every render; everything else must not."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"x-csrftoken": "[^"]+"', "", html)


# --- services -------------------------------------------------------------------------------


def test_start_creates_one_open_attempt_and_then_resumes_it(quiz, learner):
    first = services.attempt_start(quiz=quiz, user=learner)
    again = services.attempt_start(quiz=quiz, user=learner)
    assert first.id == again.id
    assert first.total == 3 and first.score == 0 and first.finished_at is None


def test_start_needs_an_owner(quiz):
    with pytest.raises(ValueError):
        services.attempt_start(quiz=quiz)


@pytest.mark.parametrize("owner", ["user", "visitor"])
def test_the_database_refuses_a_second_open_attempt(quiz, learner, owner):
    fields = {"user": learner} if owner == "user" else {"anon_id": "v" * 32}
    Attempt.objects.create(quiz=quiz, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, **fields)


def test_the_database_allows_many_finished_attempts(quiz, learner):
    for _ in range(3):
        attempt = services.attempt_start(quiz=quiz, user=learner)
        for question in questions_of(quiz):
            services.attempt_answer(attempt=attempt, question=question, choice_ids=right(question))
    assert Attempt.objects.filter(user=learner, finished_at__isnull=False).count() == 3


def test_the_database_refuses_a_second_response_to_a_question(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    question = questions_of(quiz)[0]
    Response.objects.create(attempt=attempt, question=question, is_correct=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(attempt=attempt, question=question, is_correct=True)


def test_answers_are_scored_and_the_last_one_finishes_the_attempt(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1, q2, q3 = questions_of(quiz)
    first = services.attempt_answer(attempt=attempt, question=q1, choice_ids=right(q1))
    assert first.is_correct and attempt.score == 1 and attempt.finished_at is None
    # Multiple choice: one of the two right choices is not enough.
    second = services.attempt_answer(attempt=attempt, question=q2, choice_ids=right(q2)[:1])
    assert not second.is_correct and attempt.score == 1
    services.attempt_answer(attempt=attempt, question=q3, choice_ids=right(q3))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (2, 3)
    assert attempt.finished_at is not None
    assert set(second.choices.values_list("id", flat=True)) == set(right(q2)[:1])


def refused(attempt, question, choice_ids) -> AnswerRefused:
    before = Attempt.objects.values_list("score", "finished_at").get(pk=attempt.pk)
    count = Response.objects.count()
    with pytest.raises(AnswerRefused) as caught:
        services.attempt_answer(attempt=attempt, question=question, choice_ids=choice_ids)
    assert Attempt.objects.values_list("score", "finished_at").get(pk=attempt.pk) == before
    assert Response.objects.count() == count
    return caught.value


def test_a_second_answer_to_a_question_is_refused_and_the_first_stands(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1 = questions_of(quiz)[0]
    services.attempt_answer(attempt=attempt, question=q1, choice_ids=wrong(q1))
    error = refused(attempt, q1, right(q1))
    assert error.code == "answered" and "already answered" in error.message
    assert error.response.choices.get().id == wrong(q1)[0]
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_a_finished_attempt_refuses_more_answers(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    questions = questions_of(quiz)
    for question in questions:
        services.attempt_answer(attempt=attempt, question=question, choice_ids=wrong(question))
    Response.objects.filter(attempt=attempt, question=questions[0]).delete()  # even so
    error = refused(attempt, questions[0], right(questions[0]))
    assert error.code == "finished"
    assert Attempt.objects.get(pk=attempt.pk).score == 0


def test_a_choice_of_another_question_or_quiz_is_rejected(quiz, mini_course, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1, q2, _ = questions_of(quiz)
    assert refused(attempt, q1, right(q2)[:1]).code == "foreign"
    other_quiz = Quiz.objects.get(slug="mini-final")
    foreign = other_quiz.questions.get().choices.get(is_correct=True)
    assert refused(attempt, q1, [foreign.id]).code == "foreign"
    # The right choice smuggled in beside a foreign one does not score either.
    assert refused(attempt, q2, [*right(q2), foreign.id]).code == "foreign"


def test_a_question_of_another_quiz_is_rejected(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    other = Quiz.objects.get(slug="mini-final").questions.get()
    assert refused(attempt, other, right(other)).code == "not-in-quiz"


def test_an_empty_answer_and_two_choices_for_a_single_question_are_refused(quiz, learner):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1 = questions_of(quiz)[0]
    assert refused(attempt, q1, []).code == "empty"
    two = [c.id for c in q1.choices.all()][:2]
    assert refused(attempt, q1, two).code == "too-many"
    # The refusals left the question open: it can still be answered once.
    assert services.attempt_answer(attempt=attempt, question=q1, choice_ids=right(q1)).is_correct


def test_an_insert_race_loser_is_refused_by_the_constraint(quiz, learner, monkeypatch):
    """If the first answer is not yet visible to the check, the unique constraint still holds."""
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1 = questions_of(quiz)[0]
    services.attempt_answer(attempt=attempt, question=q1, choice_ids=right(q1))
    # The check before the insert sees no answer to q1 (as if the first were not committed yet).
    unanswered = services._answers
    monkeypatch.setattr(services, "_answers", lambda attempt: {**unanswered(attempt), q1.id: None})
    error = refused(attempt, q1, wrong(q1))
    assert error.code == "answered"
    assert error.response.is_correct  # the first answer, not the racer's
    assert Attempt.objects.get(pk=attempt.pk).score == 1


# --- taking the quiz without JavaScript ------------------------------------------------------


def test_full_quiz_without_javascript(client, learner, quiz):
    client.force_login(learner)
    url = quiz.get_absolute_url()
    cover = html_of(client.get(url))
    assert "3 questions" in cover and "Start the quiz" in cover
    attempt = start(client, quiz)
    q1, q2, q3 = questions_of(quiz)

    page = html_of(client.get(url))
    assert "Question 1 of 3" in page and "Score: 0/3" in page
    assert '<fieldset class="choices"' in page and "<legend" in page
    assert 'type="radio"' in page

    response = answer(client, quiz, attempt, q1, right(q1))
    assert response.status_code == 303
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    assert response["Location"] == feedback_url
    feedback = html_of(client.get(feedback_url))
    assert "Correct" in feedback and "EXPLAIN-ONE" in feedback
    assert "WHY-ONE-NGINX" in feedback and "WHY-ONE-HA" in feedback  # every wrong choice's why
    assert "Next question" in feedback and "Score: 1/3" in feedback

    page = html_of(client.get(url))
    assert "Question 2 of 3" in page and "Score: 1/3" in page and 'type="checkbox"' in page
    answer(client, quiz, attempt, q2, wrong(q2))
    feedback = html_of(client.get(reverse("quiz-feedback", args=[quiz.slug, attempt.id, q2.id])))
    assert "Not quite" in feedback and "EXPLAIN-TWO" in feedback
    assert "Your answer" in feedback and "Right answer" in feedback

    answer(client, quiz, attempt, q3, right(q3))
    result_url = reverse("quiz-result", args=[quiz.slug, attempt.id])
    last = html_of(client.get(reverse("quiz-feedback", args=[quiz.slug, attempt.id, q3.id])))
    assert "See your result" in last and result_url in last

    result = html_of(client.get(result_url))
    assert "Score: 2/3" in result and "Not passed" in result and "pass mark is 70%" in result
    for secret in ("EXPLAIN-ONE", "EXPLAIN-TWO", "EXPLAIN-THREE"):
        assert secret in result  # the review explains every question
    assert result.count("Your answer") == 3
    assert reverse("quiz-start", args=[quiz.slug]) in result and "Retake" in result
    # The cover now lists the attempt, then "Retake" starts a fresh attempt at question 1.
    assert "Best score" in html_of(client.get(url))
    retake = start(client, quiz)
    assert retake.id != attempt.id
    assert "Question 1 of 3" in html_of(client.get(url))


def test_passing_the_shipped_final_quiz(client, learner, shipped_course):
    """The seed's quiz: six questions, the seed's first, "Question 2 of 6" and "Score: 1/6"."""
    client.force_login(learner)
    final = Quiz.objects.get(slug="istio-final-quiz")
    assert final.lesson_id is None and final.pass_percent == 70
    questions = questions_of(final)
    assert len(questions) == 6
    assert questions[0].prompt == "What is the primary purpose of a service mesh like Istio?"
    attempt = start(client, final)
    url = final.get_absolute_url()
    page = html_of(client.get(url))
    assert "Question 1 of 6" in page and "Score: 0/6" in page
    answer(client, final, attempt, questions[0], right(questions[0]))
    page = html_of(client.get(url))
    assert "Question 2 of 6" in page and "Score: 1/6" in page
    # Four of six is 67%, under the pass mark; so the last one decides.
    for question in questions[1:4]:
        answer(client, final, attempt, question, right(question))
    answer(client, final, attempt, questions[4], wrong(questions[4]))
    answer(client, final, attempt, questions[5], right(questions[5]))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total, attempt.passed) == (5, 6, True)
    result = html_of(client.get(reverse("quiz-result", args=[final.slug, attempt.id])))
    assert "Score: 5/6" in result and "Passed" in result


def test_the_shipped_final_quiz_is_six_well_formed_questions():
    """3–5 choices each, an explanation, and a "why" for every wrong choice (read, not loaded)."""
    from course_format.schema import read_course

    from .conftest import SHIPPED_COURSE

    (final,) = [q for q in read_course(SHIPPED_COURSE).quizzes if q.slug == "istio-final-quiz"]
    assert len(final.questions) == 6
    assert final.questions[0].prompt == "What is the primary purpose of a service mesh like Istio?"
    for question in final.questions:
        assert 3 <= len(question.choices) <= 5, question.prompt
        assert question.explanation.strip(), question.prompt
        for choice in question.choices:
            assert choice.correct or choice.why.strip(), (question.prompt, choice.text)


# --- htmx -----------------------------------------------------------------------------------


def test_htmx_answer_returns_the_feedback_partial(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    response = answer(client, quiz, attempt, q1, wrong(q1), **HX)
    assert response.status_code == 200
    html = html_of(response)
    assert "<html" not in html and "<main" not in html  # a partial
    assert "Not quite" in html and "EXPLAIN-ONE" in html and "WHY-ONE-HA" in html
    assert "Right answer" in html and "Score: 0/3" in html
    assert 'hx-swap-oob="innerHTML:#quiz-live"' in html  # the verdict for screen readers
    assert f'hx-get="{quiz.get_absolute_url()}"' in html  # "Next" fetches the next question

    following = html_of(client.get(quiz.get_absolute_url(), **HX))
    assert "<html" not in following and "Question 2 of 3" in following
    assert "autofocus" in following  # focus moves into the new question


def test_htmx_refusals_explain_without_changing_the_score(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    empty = answer(client, quiz, attempt, q1, [], **HX)
    assert empty.status_code == 200 and "Choose an answer" in html_of(empty)
    assert 'role="alert"' in html_of(empty) and "EXPLAIN-ONE" not in html_of(empty)
    answer(client, quiz, attempt, q1, right(q1), **HX)
    again = html_of(answer(client, quiz, attempt, q1, wrong(q1), **HX))
    assert "already answered" in again and "Score: 1/3" in again
    assert Attempt.objects.get(pk=attempt.pk).score == 1


def test_the_question_page_and_answer_form_carry_progressive_enhancement(client, learner, quiz):
    client.force_login(learner)
    start(client, quiz)
    page = html_of(client.get(quiz.get_absolute_url()))
    action = reverse("quiz-answer", args=[quiz.slug])
    assert f'method="post" action="{action}"' in page and f'hx-post="{action}"' in page
    assert 'aria-live="polite"' in page  # the feedback region exists before any answer


# --- back, reload and the browser's cache -----------------------------------------------------

RESTORE = {**HX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


def test_quiz_pages_vary_on_htmx_and_are_never_stored_by_the_browser(client, learner, quiz):
    """Back must not show a stored htmx partial (a bare page) or an answer's old state."""
    client.force_login(learner)
    url = quiz.get_absolute_url()
    pages = [client.get(url)]  # the cover
    attempt = start(client, quiz)
    q1, q2, q3 = questions_of(quiz)
    pages += [client.get(url), client.get(url, **HX)]  # the question, full and partial
    answer(client, quiz, attempt, q1, right(q1))
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    pages += [client.get(feedback_url), client.get(feedback_url, **HX)]
    answer(client, quiz, attempt, q2, right(q2))
    answer(client, quiz, attempt, q3, right(q3))
    pages.append(client.get(reverse("quiz-result", args=[quiz.slug, attempt.id])))
    for page in pages:
        assert page.status_code == 200
        assert "no-store" in page.get("Cache-Control", ""), page.request["PATH_INFO"]
    for page in pages[1:5]:  # the two that answer both ways
        assert "HX-Request" in page["Vary"] and "HX-History-Restore-Request" in page["Vary"]


def test_htmx_restoring_history_gets_the_full_page_not_the_partial(client, learner, quiz):
    """htmx fetches a page it kept no snapshot of with HX-Request set: the whole page is swapped
    into <body>, so a partial there would be a page without header or styles."""
    client.force_login(learner)
    url = quiz.get_absolute_url()
    attempt = start(client, quiz)
    q1, q2, q3 = questions_of(quiz)
    page = html_of(client.get(url, **RESTORE))
    assert '<header class="site-header">' in page and "Question 1 of 3" in page
    answer(client, quiz, attempt, q1, right(q1), **HX)
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    page = html_of(client.get(feedback_url, **RESTORE))
    assert '<header class="site-header">' in page and "EXPLAIN-ONE" in page
    answer(client, quiz, attempt, q2, right(q2), **HX)
    answer(client, quiz, attempt, q3, right(q3), **HX)
    cover = client.get(url, **RESTORE)  # finished: the cover, not an htmx redirect
    assert cover.status_code == 200 and "HX-Redirect" not in cover
    assert '<header class="site-header">' in html_of(cover)


def test_the_quiz_keeps_out_of_htmx_history_snapshots(client, learner, quiz):
    """A snapshot would bring back an answered question as open: htmx asks the server instead."""
    client.force_login(learner)
    start(client, quiz)
    assert 'hx-history="false"' in html_of(client.get(quiz.get_absolute_url()))


def test_an_htmx_answer_puts_its_feedback_url_in_the_address_bar(client, learner, quiz):
    """So that reloading (or Back to) the feedback shows the feedback, not the next question."""
    client.force_login(learner)
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        response = answer(client, quiz, attempt, question, right(question), **HX)
        feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id])
        assert response.get("HX-Push-Url") == feedback_url
        reloaded = html_of(client.get(feedback_url))
        assert '<header class="site-header">' in reloaded and "quiz.css" in reloaded
        assert "Correct" in reloaded and "EXPLAIN-" in reloaded
    assert "See your result" in reloaded
    assert reverse("quiz-result", args=[quiz.slug, attempt.id]) in reloaded


def test_next_question_from_a_reloaded_feedback_page_moves_the_address_on(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    answer(client, quiz, attempt, q1, right(q1), **HX)
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    page = html_of(client.get(feedback_url))
    url = quiz.get_absolute_url()
    assert f'hx-get="{url}" hx-push-url="true"' in page  # the address follows the question
    assert "Question 2 of 3" in html_of(client.get(url, **HX))


def test_an_answered_question_s_refusal_puts_its_feedback_url_in_the_address_bar(
    client, learner, quiz
):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    answer(client, quiz, attempt, q1, right(q1), **HX)
    again = answer(client, quiz, attempt, q1, wrong(q1), **HX)  # e.g. from a restored snapshot
    assert "already answered" in html_of(again)
    assert again.get("HX-Push-Url") == reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])


# --- nothing revealed before answering ------------------------------------------------------


def test_nothing_before_answering_reveals_the_answer(client, learner, quiz):
    client.force_login(learner)
    pages = [client.get(quiz.get_absolute_url())]  # the cover
    attempt = start(client, quiz)
    q1, q2, q3 = questions_of(quiz)
    pages.append(client.get(quiz.get_absolute_url()))
    pages.append(client.get(quiz.get_absolute_url(), **HX))
    # The feedback page of a question not answered yet redirects; it does not reveal.
    early = client.get(reverse("quiz-feedback", args=[quiz.slug, attempt.id, q2.id]))
    assert early.status_code == 302 and early["Location"] == quiz.get_absolute_url()
    pages.append(answer(client, quiz, attempt, q2, [], **HX))  # a refused answer to q2
    # The result of an unfinished attempt is not shown either.
    early_result = client.get(reverse("quiz-result", args=[quiz.slug, attempt.id]))
    assert early_result.status_code == 302
    for response in pages:
        html = html_of(response)
        for secret in SECRETS:
            assert secret not in html
        assert "Right answer" not in html and "is-answer" not in html
    # After answering q1, the next page (q2) still reveals nothing about q2 or q3.
    answer(client, quiz, attempt, q1, right(q1))
    html = html_of(client.get(quiz.get_absolute_url()))
    assert "Question 2 of 3" in html
    for secret in SECRETS:
        if "ONE" not in secret:
            assert secret not in html


def test_the_question_page_is_the_same_whichever_choice_is_right(client, learner, quiz):
    """No attribute, order or class can give the answer away: flip it and compare."""
    client.force_login(learner)
    start(client, quiz)
    before = without_tokens(html_of(client.get(quiz.get_absolute_url())))
    q1 = questions_of(quiz)[0]
    choices = list(q1.choices.all())
    Choice.objects.filter(pk=choices[0].pk).update(is_correct=False)
    Choice.objects.filter(pk=choices[2].pk).update(is_correct=True)
    after = without_tokens(html_of(client.get(quiz.get_absolute_url())))
    assert before == after
    assert before.count('name="choice"') == len(choices)  # every choice is offered alike


# --- stale tabs, double clicks, replays ------------------------------------------------------


def test_a_stale_tab_or_replay_is_refused_with_a_message(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    first = answer(client, quiz, attempt, q1, right(q1))
    replay = answer(client, quiz, attempt, q1, right(q1))  # double-click or refresh
    stale = answer(client, quiz, attempt, q1, wrong(q1))  # back button, another choice
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    for response in (first, replay, stale):
        assert response.status_code == 303 and response["Location"] == feedback_url
    page = html_of(client.get(feedback_url))
    assert "already answered" in page and "your first answer counts" in page
    assert Response.objects.filter(attempt=attempt).count() == 1
    assert Attempt.objects.get(pk=attempt.pk).score == 1
    assert Response.objects.get(attempt=attempt).choices.get().id == right(q1)[0]


def test_a_finished_attempt_refuses_answers_from_an_old_tab(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    questions = questions_of(quiz)
    for question in questions:
        answer(client, quiz, attempt, question, wrong(question))
    Response.objects.filter(attempt=attempt, question=questions[2]).delete()
    late = answer(client, quiz, attempt, questions[2], right(questions[2]))
    result_url = reverse("quiz-result", args=[quiz.slug, attempt.id])
    assert late.status_code == 303 and late["Location"] == result_url
    assert "takes no more answers" in html_of(client.get(result_url))
    assert Attempt.objects.get(pk=attempt.pk).score == 0
    hx = html_of(answer(client, quiz, attempt, questions[2], right(questions[2]), **HX))
    assert "takes no more answers" in hx and result_url in hx


def test_an_old_attempt_tab_cannot_answer_into_a_retake(client, learner, quiz):
    client.force_login(learner)
    old = start(client, quiz)
    for question in questions_of(quiz):
        answer(client, quiz, old, question, wrong(question))
    new = start(client, quiz)
    q1 = questions_of(quiz)[0]
    answer(client, quiz, old, q1, right(q1))  # the first attempt's tab, still open
    assert not Response.objects.filter(attempt=new).exists()
    assert Attempt.objects.get(pk=old.pk).score == 0


@pytest.mark.parametrize(
    "choice",
    [["abc"], ["-3"], ["9" * 40], ["1.5"], [""]],
    ids=["letters", "negative", "huge", "decimal", "blank"],
)
def test_malformed_choices_get_a_friendly_refusal_never_a_500(client, learner, quiz, choice):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    response = answer(client, quiz, attempt, q1, choice)
    assert response.status_code == 303
    page = html_of(client.get(response["Location"]))
    assert "not one of this question" in page or "Choose an answer" in page
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"attempt": "x"}, {"attempt": "9" * 40, "question": "1"}],
    ids=["nothing", "letters", "huge"],
)
def test_malformed_attempt_ids_are_404(client, learner, quiz, data):
    client.force_login(learner)
    start(client, quiz)
    assert client.post(reverse("quiz-answer", args=[quiz.slug]), data).status_code == 404


def test_a_question_of_another_quiz_is_refused_by_the_view(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    other = Quiz.objects.get(slug="mini-final").questions.get()
    response = answer(client, quiz, attempt, other, right(other))
    assert response.status_code == 303 and response["Location"] == quiz.get_absolute_url()
    assert "not part of this quiz" in html_of(client.get(quiz.get_absolute_url()))
    assert not Response.objects.exists()


def test_a_choice_of_another_question_is_refused_by_the_view(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1, q2, _ = questions_of(quiz)
    answer(client, quiz, attempt, q1, right(q2)[:1])
    assert not Response.objects.exists()
    assert "not one of this question" in html_of(client.get(quiz.get_absolute_url()))


def test_get_is_refused_on_the_writing_urls(client, learner, quiz):
    client.force_login(learner)
    assert client.get(reverse("quiz-start", args=[quiz.slug])).status_code == 405
    assert client.get(reverse("quiz-answer", args=[quiz.slug])).status_code == 405


def test_answers_need_a_csrf_token(learner, quiz):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1 = questions_of(quiz)[0]
    assert answer(strict, quiz, attempt, q1, right(q1)).status_code == 403
    assert not Response.objects.exists()


def test_an_attempt_whose_last_open_question_was_deleted_is_finished_on_resume(
    client, learner, quiz
):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1, q2, q3 = questions_of(quiz)
    answer(client, quiz, attempt, q1, right(q1))
    answer(client, quiz, attempt, q2, wrong(q2))
    q3.delete()  # an instructor removed the question the learner had still to answer
    response = client.get(quiz.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == reverse("quiz-result", args=[quiz.slug, attempt.id])
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (1, 2) and attempt.finished_at is not None


# --- isolation ------------------------------------------------------------------------------


def test_a_learner_can_never_read_or_answer_another_learners_attempt(
    client, learner, other_learner, quiz
):
    client.force_login(learner)
    attempt = start(client, quiz)
    questions = questions_of(quiz)
    for question in questions:
        answer(client, quiz, attempt, question, right(question))
    urls = [
        reverse("quiz-result", args=[quiz.slug, attempt.id]),
        reverse("quiz-feedback", args=[quiz.slug, attempt.id, questions[0].id]),
    ]
    client.force_login(other_learner)
    for url in urls:
        assert client.get(url).status_code == 404
    assert answer(client, quiz, attempt, questions[0], right(questions[0])).status_code == 404
    client.logout()  # a visitor neither
    for url in urls:
        assert client.get(url).status_code == 404
    # The owner still can.
    client.force_login(learner)
    assert all(client.get(url).status_code == 200 for url in urls)


def test_an_open_attempt_of_another_learner_cannot_be_answered(
    client, learner, other_learner, quiz
):
    theirs = services.attempt_start(quiz=quiz, user=other_learner)
    client.force_login(learner)
    q1 = questions_of(quiz)[0]
    assert answer(client, quiz, theirs, q1, right(q1)).status_code == 404
    assert not Response.objects.exists()


def test_an_attempt_is_only_reachable_under_its_own_quiz(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    url = reverse("quiz-result", args=["mini-final", attempt.id])
    assert client.get(url).status_code == 404


def test_unpublished_quizzes_are_404(client, learner, quiz):
    Lesson.objects.filter(slug="first").update(published=False)
    client.force_login(learner)
    assert client.get(quiz.get_absolute_url()).status_code == 404
    assert client.post(reverse("quiz-start", args=[quiz.slug])).status_code == 404


# --- visitors -------------------------------------------------------------------------------


def test_a_visitor_can_take_a_quiz_tied_to_their_session(client, quiz):
    attempt = start(client, quiz)
    assert attempt.user is None and attempt.anon_id
    assert client.session[VISITOR_KEY] == attempt.anon_id
    assert attempt.anon_id != client.session.session_key  # its own token: the key rotates
    q1 = questions_of(quiz)[0]
    assert answer(client, quiz, attempt, q1, right(q1)).status_code == 303
    assert "Score: 1/3" in html_of(client.get(quiz.get_absolute_url()))


def test_another_visitor_cannot_see_a_visitors_attempt(client, quiz):
    from django.test import Client

    attempt = start(client, quiz)
    stranger = Client()
    assert stranger.get(reverse("quiz-result", args=[quiz.slug, attempt.id])).status_code == 404
    assert "Start the quiz" in html_of(stranger.get(quiz.get_absolute_url()))


# --- signed out in the middle of a quiz -----------------------------------------------------

SIGNED_OUT = "You are signed out"


def login_link_back_to(quiz) -> str:
    return f'href="{reverse("login")}?next={quiz.get_absolute_url().replace("/", "%2F")}"'


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-form"])
def test_an_answer_after_signing_out_says_so_and_leads_back_through_the_login(
    client, learner, quiz, htmx
):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    client.logout()  # in another tab, or the session expired
    response = answer(client, quiz, attempt, q1, right(q1), **(HX if htmx else {}))
    if htmx:
        # 401, which static/js/site.js swaps into the quiz panel (htmx swaps no error status)
        assert response.status_code == 401
        page = html_of(response)
        assert "<html" not in page  # the panel's part only
    else:  # the quiz's page says it, above its cover
        assert response.status_code == 303 and response["Location"] == quiz.get_absolute_url()
        page = html_of(client.get(response["Location"]))
    assert SIGNED_OUT in page and "sign in again to keep answering" in page.lower()
    assert login_link_back_to(quiz) in page
    assert not Response.objects.exists()
    # Signed in again (the login page's `next`), the quiz resumes the same attempt.
    client.force_login(learner)
    assert "Question 1 of 3" in html_of(client.get(quiz.get_absolute_url()))
    assert answer(client, quiz, attempt, q1, right(q1), **HX).status_code == 200


def test_signed_out_says_the_same_whether_the_attempt_exists_and_whose_it_is(client, learner, quiz):
    """A visitor learns nothing of attempts from the answer: a learner's, a visitor's, one
    that never existed, and the visitor's own after their session ended read alike."""
    from django.test import Client

    q1 = questions_of(quiz)[0]
    learners = services.attempt_start(quiz=quiz, user=learner)
    visitor = Client()
    visitors = start(visitor, quiz)
    missing = Attempt(id=Attempt.objects.order_by("-id").first().id + 100)
    answers = []
    for attempt in (learners, visitors, missing):
        for session in ("none", "another visitor's"):
            stranger = Client()
            if session != "none":
                start(stranger, quiz)  # a visitor id of their own, owning another attempt
            response = answer(stranger, quiz, attempt, q1, right(q1), **HX)
            answers.append((response.status_code, without_tokens(html_of(response))))
    assert len(set(answers)) == 1 and answers[0][0] == 401 and SIGNED_OUT in answers[0][1]
    visitor.cookies.clear()  # the visitor's own session expired
    response = answer(visitor, quiz, visitors, q1, right(q1), **HX)
    assert (response.status_code, without_tokens(html_of(response))) == answers[0]
    assert "start the quiz again" in answers[0][1]  # what a visitor without an account can do
    assert not Response.objects.exists()


def test_a_signed_in_learner_answering_someone_elses_attempt_still_gets_a_404(
    client, learner, other_learner, quiz
):
    # Not "signed out": they are signed in, and the attempt is simply not one of theirs.
    theirs = services.attempt_start(quiz=quiz, user=other_learner)
    client.force_login(learner)
    q1 = questions_of(quiz)[0]
    response = answer(client, quiz, theirs, q1, right(q1), **HX)
    assert response.status_code == 404 and SIGNED_OUT not in html_of(response)


def test_signed_out_at_an_unpublished_quiz_is_a_404(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    client.logout()
    Lesson.objects.filter(slug="first").update(published=False)
    q1 = questions_of(quiz)[0]
    assert answer(client, quiz, attempt, q1, right(q1), **HX).status_code == 404


def test_visitor_attempts_move_to_the_account_at_login(client, learner, quiz):
    visitor_attempt = start(client, quiz)
    q1, q2, _ = questions_of(quiz)
    answer(client, quiz, visitor_attempt, q1, right(q1))
    response = client.post(
        reverse("login"),
        {"username": "ada", "password": "correct-horse-9", "next": quiz.get_absolute_url()},
    )
    assert response.status_code == 302
    visitor_attempt.refresh_from_db()
    assert visitor_attempt.user == learner and visitor_attempt.anon_id == ""
    page = html_of(client.get(quiz.get_absolute_url()))
    assert "Question 2 of 3" in page and "Score: 1/3" in page  # carries on where it was
    assert answer(client, quiz, visitor_attempt, q2, right(q2)).status_code == 303
    assert Attempt.objects.get(pk=visitor_attempt.pk).score == 2


PASSPHRASE = "a-long-pass-phrase-7"


def test_visitor_attempts_move_to_a_new_account_at_signup(client, quiz, django_user_model):
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        answer(client, quiz, attempt, question, right(question))
    response = client.post(
        reverse("signup"),
        {"username": "grace", "password1": PASSPHRASE, "password2": PASSPHRASE},
    )
    assert response.status_code == 302
    grace = django_user_model.objects.get(username="grace")
    attempt.refresh_from_db()
    assert attempt.user == grace and (attempt.score, attempt.total) == (3, 3)
    me = html_of(client.get(reverse("me")))
    assert quiz.title in me and "3/3" in me


def test_merging_keeps_one_open_attempt_per_quiz(quiz, learner):
    """The account's open attempt with more answers wins over the visitor's fresh one."""
    q1, q2, _ = questions_of(quiz)
    theirs = services.attempt_start(quiz=quiz, user=learner)
    services.attempt_answer(attempt=theirs, question=q1, choice_ids=right(q1))
    services.attempt_answer(attempt=theirs, question=q2, choice_ids=right(q2))
    visitor = services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789")
    services.attempt_answer(attempt=visitor, question=q1, choice_ids=wrong(q1))
    Attempt.objects.create(
        quiz=quiz, anon_id="visitor-token-0123456789", score=1, total=3, finished_at=timezone.now()
    )
    moved = services.attempts_merge_visitor(user=learner, anon_id="visitor-token-0123456789")
    assert moved == 1  # the finished one; the visitor's open attempt lost to the account's
    open_attempts = Attempt.objects.filter(user=learner, finished_at__isnull=True)
    assert list(open_attempts) == [theirs]
    assert not Attempt.objects.filter(pk=visitor.pk).exists()
    assert Attempt.objects.filter(user=learner).count() == 2


def test_merging_prefers_the_visitors_attempt_on_a_tie(quiz, learner):
    q1 = questions_of(quiz)[0]
    theirs = services.attempt_start(quiz=quiz, user=learner)
    visitor = services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789")
    services.attempt_answer(attempt=visitor, question=q1, choice_ids=right(q1))
    assert services.attempts_merge_visitor(user=learner, anon_id="visitor-token-0123456789") == 1
    assert not Attempt.objects.filter(pk=theirs.pk).exists()
    assert Attempt.objects.get(pk=visitor.pk).user == learner


def test_merging_without_a_visitor_id_moves_nothing(quiz, learner):
    services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789")
    assert services.attempts_merge_visitor(user=learner, anon_id="") == 0
    assert Attempt.objects.filter(user__isnull=True).count() == 1


# --- query budget ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_question_page_query_count_is_small_and_constant(
    client, learner, mini_course, who, django_assert_max_num_queries
):
    if who == "learner":
        client.force_login(learner)
    small = make_quiz(mini_course, "small-quiz")
    start(client, small)
    with django_assert_max_num_queries(7) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    many = [(kind, f"{p} ({n})", e, [*c, *c]) for n in range(8) for kind, p, e, c in QUESTIONS]
    large = make_quiz(mini_course, "large-quiz", questions=many)
    start(client, large)
    with django_assert_max_num_queries(7) as lots:
        assert "Question 1 of 24" in html_of(client.get(large.get_absolute_url()))
    assert len(lots.captured_queries) == len(few.captured_queries)


# The answer POST's own budget: tests/test_quiz_answer_path.py.


# --- dashboard and course completion ---------------------------------------------------------


def test_me_lists_every_attempt_and_the_best_score(client, learner, quiz):
    client.force_login(learner)
    for correct_answers in (1, 3, 2):
        attempt = start(client, quiz)
        for index, question in enumerate(questions_of(quiz)):
            chosen = right(question) if index < correct_answers else wrong(question)
            answer(client, quiz, attempt, question, chosen)
    start(client, quiz)  # an attempt in progress shows too
    me = html_of(client.get(reverse("me")))
    assert quiz.title in me
    assert "Best score: <strong>3/3</strong>" in me
    for score in ("1/3", "2/3", "3/3"):
        assert score in me
    assert "In progress" in me
    assert me.count(reverse("quiz-result", args=[quiz.slug, 0])[:-2]) >= 3


def pass_final(client, course):
    final = Quiz.objects.get(course=course, lesson__isnull=True)
    attempt = start(client, final)
    for question in questions_of(final):
        answer(client, final, attempt, question, right(question))
    return final


def read_everything(user, course):
    for section in Section.objects.filter(lesson__course=course):
        SectionProgress.objects.create(user=user, section=section, read_at=timezone.now())


def test_course_completed_needs_every_section_read_and_the_final_quiz_passed(
    client, learner, mini_course
):
    client.force_login(learner)
    read_everything(learner, mini_course)
    home = html_of(client.get("/"))
    assert "Course completed" not in home and "All sections read" in home
    assert "Course completed" not in html_of(client.get(reverse("me")))

    final = Quiz.objects.get(slug="mini-final")
    failed = start(client, final)
    question = final.questions.get()
    answer(client, final, failed, question, wrong(question))
    assert "Course completed" not in html_of(client.get("/"))  # a failed attempt is not enough

    pass_final(client, mini_course)
    assert "Course completed" in html_of(client.get("/"))
    assert "Course completed" in html_of(client.get(reverse("me")))


def test_passing_the_final_quiz_alone_does_not_complete_the_course(client, learner, mini_course):
    client.force_login(learner)
    pass_final(client, mini_course)
    assert "Course completed" not in html_of(client.get("/"))
    read_everything(learner, mini_course)
    assert "Course completed" in html_of(client.get("/"))


def test_a_course_without_a_final_quiz_completes_on_reading(client, learner, mini_course):
    Quiz.objects.filter(slug="mini-final").delete()
    client.force_login(learner)
    read_everything(learner, mini_course)
    assert "Course completed" in html_of(client.get("/"))


def test_a_visitor_sees_their_course_completed_too(client, mini_course):
    for section in Section.objects.filter(lesson__course=mini_course).select_related(
        "lesson__course"
    ):
        lesson = section.lesson
        client.post(reverse("mark-read", args=[mini_course.slug, lesson.slug, section.slug]))
    assert "Course completed" not in html_of(client.get("/"))
    pass_final(client, mini_course)
    assert "Course completed" in html_of(client.get("/"))


# --- finishing a quiz is reading the section that sends the learner to it ---


def _quiz_section(lesson_slug: str) -> Section:
    lesson = Lesson.objects.get(slug=lesson_slug)
    return Section.objects.create(
        lesson=lesson, slug="check", title="Check your understanding", kind="quiz", order=99
    )


def _answer_all(client, quiz, attempt, upto=None):
    for question in questions_of(quiz)[:upto]:
        assert answer(client, quiz, attempt, question, right(question), **HX).status_code == 200


@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_finishing_a_lesson_quiz_marks_its_quiz_section_read(client, learner, quiz, who):
    section = _quiz_section("first")
    _quiz_section("second")  # another lesson's: not this quiz's
    if who == "learner":
        client.force_login(learner)

    def marked() -> set[int]:
        return marked_sections(client, learner if who == "learner" else None)

    attempt = start(client, quiz)
    _answer_all(client, quiz, attempt, upto=len(questions_of(quiz)) - 1)
    assert marked() == set()  # not before the last answer
    last = questions_of(quiz)[-1]
    assert answer(client, quiz, attempt, last, right(last), **HX).status_code == 200
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert marked() == {section.id}
    page = html_of(client.get(section.lesson.get_absolute_url()))
    control = page[page.index('id="read-check"') :][:400]
    assert "read-done" in control  # the lesson page shows the section as read


def test_a_course_quiz_marks_the_quiz_sections_of_lessons_without_their_own(
    client, learner, quiz, mini_course
):
    client.force_login(learner)
    with_own = _quiz_section("first")  # lesson "first" has its own quiz (the fixture's)
    final_lesson = _quiz_section("second")  # lists the course's quizzes
    final = Quiz.objects.get(slug="mini-final")
    attempt = start(client, final)
    _answer_all(client, final, attempt)
    marked = set(SectionProgress.objects.filter(user=learner).values_list("section", flat=True))
    assert marked == {final_lesson.id} and with_own.id not in marked


def marked_sections(client, learner) -> set[int]:
    """The ids of the sections marked read: the learner's rows, or the visitor's session."""
    if learner is not None:
        return set(SectionProgress.objects.filter(user=learner).values_list("section", flat=True))
    return read_marks_of(client)


def read_marks_of(client) -> set[int]:
    from lessons.progress import SESSION_KEY

    return {int(key) for key in client.session.get(SESSION_KEY, {})}


def test_an_attempt_settled_because_its_last_question_went_marks_the_quiz_section(
    client, learner, quiz
):
    section = _quiz_section("first")
    client.force_login(learner)
    attempt = start(client, quiz)
    *first, last = questions_of(quiz)
    for question in first:
        answer(client, quiz, attempt, question, right(question), **HX)
    last.delete()  # the instructor removes the only open question
    client.get(reverse("quiz", args=[quiz.slug]))  # settles the attempt
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    mark = SectionProgress.objects.get(user=learner, section=section)
    assert mark.read_at == attempt.finished_at


@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_a_failed_attempt_marks_no_quiz_section_until_a_retake_passes(client, learner, quiz, who):
    # A lead reading the dashboard must not see "Completed" for a lesson whose quiz was failed.
    section = _quiz_section("first")
    if who == "learner":
        client.force_login(learner)

    def marked() -> set[int]:
        return marked_sections(client, learner if who == "learner" else None)

    failed = start(client, quiz)
    for question in questions_of(quiz):
        assert answer(client, quiz, failed, question, wrong(question), **HX).status_code == 200
    failed.refresh_from_db()
    assert failed.finished_at is not None and not failed.passed
    assert marked() == set()
    retake = start(client, quiz)
    assert retake.id != failed.id
    _answer_all(client, quiz, retake)
    retake.refresh_from_db()
    assert retake.passed
    assert marked() == {section.id}
