"""The timed practice exam (issue 23), on the small fixture bank (tests/fixtures/bank-course):
drawn by domain weight, nothing marked before it ends, the clock on the server, one open
attempt, the result by domain with its review, readiness on /me/, the team's domain grid."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursefiles.loading import load_course_file
from quizzes import choice_order, services
from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.readiness_rule import RULE
from teams.services import membership_join, team_create

from .test_bank_format import BANK_COURSE
from .test_me_dashboard import ME_BUDGET
from .test_teams import make_instructor

pytestmark = pytest.mark.django_db

EXAM = "bank-practice-exam"
FORM_QUESTION = re.compile(r'name="question" value="(\d+)"')
FORM_CHOICE = re.compile(r'name="choice" value="([^"]+)"')
# What a page may only show once the exam has ended.
MARKS = (
    "Right answer",
    "badge-right",
    "is-answer",
    "Your answer",
    "explanation-title",
    "Not quite",
)


@pytest.fixture
def bank_course(db):
    return load_course_file(BANK_COURSE).course


@pytest.fixture
def exam(bank_course):
    return Quiz.objects.get(slug=EXAM)


def start(client) -> Attempt:
    response = client.post(reverse("quiz-start", args=[EXAM]))
    assert response.status_code == 303
    return Attempt.objects.filter(quiz__slug=EXAM, finished_at__isnull=True).get()


def right_values(attempt: Attempt, question: Question) -> list[str]:
    ids = [c.id for c in question.choices.all()]
    tokens = choice_order.tokens(attempt.choice_seed, question.id, ids)
    return [tokens[c.id] for c in question.choices.all() if c.is_correct]


def answer(client, attempt, question_id, values):
    data = {"attempt": attempt.id, "question": question_id, "choice": values}
    return client.post(reverse("quiz-answer", args=[EXAM]), data)


def assert_nothing_revealed(html: str) -> None:
    for mark in MARKS:
        assert mark not in html, mark
    for question in Question.objects.exclude(domain="").prefetch_related("choices"):
        assert question.explanation_html not in html
        for choice in question.choices.all():
            assert not choice.why or choice.why not in html


def test_the_exam_draws_by_domain_weight_and_starts_the_clock(learner_client, exam):
    before = timezone.now()
    attempt = start(learner_client)
    assert attempt.total == len(attempt.question_ids) == 10
    domains = Question.objects.filter(id__in=attempt.question_ids).values_list("domain", flat=True)
    # 10 × 20/35/25/20 % by largest remainder (the traffic pool holds the tagged lesson question).
    counts = {d: list(domains).count(d) for d in set(domains)}
    assert counts == {"installation": 2, "traffic": 4, "security": 2, "troubleshooting": 2}
    assert (
        before + timedelta(minutes=30) <= attempt.deadline <= timezone.now() + timedelta(minutes=30)
    )


def test_no_page_shows_whether_an_answer_was_right_before_the_exam_ends(
    learner_client, exam, django_assert_max_num_queries
):
    attempt = start(learner_client)
    page = learner_client.get(exam.get_absolute_url()).content.decode()
    assert "Ends at" in page and attempt.deadline.strftime("%H:%M UTC") in page
    assert_nothing_revealed(page)
    answered = []
    for _ in range(attempt.total - 1):
        with django_assert_max_num_queries(12):
            page = learner_client.get(exam.get_absolute_url()).content.decode()
        assert_nothing_revealed(page)
        question = Question.objects.get(pk=int(FORM_QUESTION.search(page)[1]))
        values = FORM_CHOICE.findall(page)
        with django_assert_max_num_queries(16):
            response = answer(learner_client, attempt, question.id, values[:1])
        # Straight on to the next question: no feedback page in between.
        assert response.status_code == 303 and response["Location"] == exam.get_absolute_url()
        answered.append(question.id)
    # The pages an ordinary quiz shows after an answer: not while the exam runs.
    for question_id in answered:
        url = reverse("quiz-feedback", args=[EXAM, attempt.id, question_id])
        assert learner_client.get(url)["Location"] == exam.get_absolute_url()
    result = reverse("quiz-result", args=[EXAM, attempt.id])
    assert learner_client.get(result)["Location"] == exam.get_absolute_url()
    htmx = learner_client.get(exam.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert_nothing_revealed(htmx)
    again = answer(learner_client, attempt, answered[0], ["c0"])  # a replay is refused, unmarked
    assert again["Location"] == exam.get_absolute_url()
    assert_nothing_revealed(learner_client.get(exam.get_absolute_url()).content.decode())
    # The last answer ends it: now the result and the review.
    page = learner_client.get(exam.get_absolute_url()).content.decode()
    last = int(FORM_QUESTION.search(page)[1])
    assert (
        answer(learner_client, attempt, last, FORM_CHOICE.findall(page)[:1])["Location"] == result
    )
    with django_assert_max_num_queries(14):
        review = learner_client.get(result).content.decode()
    assert "By domain" in review and "Traffic management" in review
    for question in Question.objects.filter(id__in=attempt.question_ids):
        assert question.explanation_html in review
    assert "Right answer" in review or "The faulty line" in review


def test_a_line_question_is_a_radio_per_line_and_is_scored_on_the_server(
    learner_client, learner, exam
):
    line = Question.objects.get(key="traffic-line-subset")
    attempt = services.attempt_start(quiz=exam, user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(question_ids=[line.id], total=1)
    attempt.refresh_from_db()
    page = learner_client.get(exam.get_absolute_url()).content.decode()
    assert page.count('type="radio"') == 9
    assert 'aria-label="Line 9:' in page and "spec:" in page
    assert "data-correct" not in page and "correct_line" not in page
    response = answer(learner_client, attempt, line.id, right_values(attempt, line))
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == 1
    review = learner_client.get(response["Location"]).content.decode()
    assert "The faulty line" in review and "Your pick" in review


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_finishes(learner_client, exam):
    attempt = start(learner_client)
    first = Question.objects.get(pk=attempt.question_ids[0])
    answer(learner_client, attempt, first.id, right_values(attempt, first))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    second = Question.objects.get(pk=attempt.question_ids[1])
    response = answer(learner_client, attempt, second.id, right_values(attempt, second))
    assert response["Location"] == reverse("quiz-result", args=[EXAM, attempt.id])
    page = learner_client.get(response["Location"]).content.decode()
    assert "Time is up" in page and "when the time ran out" in page
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (1, 10)
    assert not Response.objects.filter(attempt=attempt, question=second).exists()


def test_an_overdue_exam_finishes_on_the_next_page_and_on_me(learner_client, exam):
    attempt = start(learner_client)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = learner_client.get(exam.get_absolute_url())
    assert response["Location"] == reverse("quiz-result", args=[EXAM, attempt.id])
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == 0
    second = start(learner_client)  # a fresh attempt, with its own clock
    Attempt.objects.filter(pk=second.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    learner_client.get(reverse("me"))
    second.refresh_from_db()
    assert second.finished_at is not None


def test_a_reload_or_a_second_tab_neither_stops_nor_extends_the_clock(learner, exam):
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(learner)
    tab_two.force_login(learner)
    attempt = start(tab_one)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.deadline - timedelta(minutes=20))
    attempt.refresh_from_db()
    assert start(tab_two) == attempt  # the second tab's start resumes the same attempt
    tab_one.get(exam.get_absolute_url())
    assert Attempt.objects.filter(quiz=exam).count() == 1
    assert Attempt.objects.get().deadline == attempt.deadline
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the line too
        Attempt.objects.create(quiz=exam, user=learner, question_ids=attempt.question_ids)


def test_ending_early_marks_open_questions_wrong_and_shows_them_answered(learner_client, exam):
    attempt = start(learner_client)
    first = Question.objects.get(pk=attempt.question_ids[0])
    answer(learner_client, attempt, first.id, right_values(attempt, first))
    response = learner_client.post(reverse("exam-end", args=[EXAM, attempt.id]))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (1, 10) and attempt.finished_at is not None
    page = learner_client.get(response["Location"]).content.decode()
    assert page.count("Not answered") == 9 and page.count("Right answer") >= 8


def test_another_learner_cannot_end_or_answer_my_exam(learner_client, other_learner, exam):
    attempt = start(learner_client)
    other = Client()
    other.force_login(other_learner)
    assert other.post(reverse("exam-end", args=[EXAM, attempt.id])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.finished_at is None


def finish_exam(client, attempt, right: bool) -> None:
    for question in Question.objects.filter(id__in=attempt.question_ids).prefetch_related(
        "choices"
    ):
        values = right_values(attempt, question)
        if not right:
            tokens = choice_order.tokens(
                attempt.choice_seed, question.id, [c.id for c in question.choices.all()]
            )
            values = [tokens[c.id] for c in question.choices.all() if not c.is_correct][:1]
        answer(client, attempt, question.id, values)


def test_the_next_attempt_asks_unseen_questions_first(learner_client, exam):
    first = start(learner_client)
    finish_exam(learner_client, first, right=True)
    second = start(learner_client)
    unseen = set(Question.objects.exclude(domain="").values_list("id", flat=True)) - set(
        first.question_ids
    )
    assert len(unseen) == 4 and unseen <= set(second.question_ids)


def test_me_says_readiness_per_domain_with_its_rule_and_what_to_reread(
    learner_client, exam, django_assert_max_num_queries
):
    for _ in range(2):
        finish_exam(learner_client, start(learner_client), right=False)
    # tests/test_me_dashboard.py's ME_BUDGET, and the sections to reread a wrong answer names.
    with django_assert_max_num_queries(ME_BUDGET + 1):
        page = learner_client.get(reverse("me")).content.decode()
    assert RULE in page
    assert "Traffic management" in page and "not yet" in page
    assert "0 of 8 right" in page  # 2 exams × 4 traffic questions, all wrong
    assert "Basics: Routing" in page and "#routing" in page  # their reread sections
    for _ in range(3):
        finish_exam(learner_client, start(learner_client), right=True)
    page = learner_client.get(reverse("me")).content.decode()
    # Traffic: the last 20 answers are 12 right of 20 (60 %): "close".
    assert "12 of 20 right (60 %)" in page and ">close<" in page


@pytest.fixture
def team_with_results(bank_course, django_user_model, learner_client, learner):
    instructor = make_instructor(django_user_model, "ines")
    team = team_create(
        name="Exam team", slug="exam-team", courses=[bank_course], creator=instructor
    )
    membership_join(team=team, user=learner)
    finish_exam(learner_client, start(learner_client), right=True)
    return team, instructor


def test_the_team_grid_reads_without_colour_and_costs_the_same_for_more_members(
    team_with_results, django_user_model, django_assert_max_num_queries
):
    team, instructor = team_with_results
    client = Client()
    client.force_login(instructor)
    url = reverse("team-domains", args=[team.slug])
    with django_assert_max_num_queries(10) as few:
        page = client.get(url).content.decode()
    assert "4/4" in page and "100 % · strong" in page and "no answers" in page
    for n in range(60):
        membership_join(team=team, user=django_user_model.objects.create_user(f"m{n:02}"))
    with django_assert_max_num_queries(10) as many:
        page = client.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Page 1 of 2" in page
    csv = client.get(reverse("team-domains-csv", args=[team.slug])).content.decode()
    header, *rows = csv.strip().splitlines()
    assert "Traffic management: right" in header and "Securing workloads: %" in header
    ada = next(row for row in rows if row.startswith("ada,"))
    assert ",4,4,100," in ada
    assert len(rows) == 62  # ada, ines and the 60 new members: every member, not a page
    # The team's progress export carries the same per-domain figures as its last columns.
    export = client.get(reverse("team-export", args=[team.slug]))
    header, *rows = b"".join(export.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert header.endswith("Troubleshooting: right,Troubleshooting: answered,Troubleshooting: %")
    ada = next(row for row in rows if row.startswith("ada,"))
    assert ",4,4,100," in ada


def test_the_team_grid_is_for_its_instructors_only(team_with_results, learner_client):
    team, _ = team_with_results
    assert learner_client.get(reverse("team-domains", args=[team.slug])).status_code == 404
    assert learner_client.get(reverse("team-domains-csv", args=[team.slug])).status_code == 404
