"""The practice exam's hands-on tasks (issue 24), on the small fixture bank
(tests/fixtures/bank-course) with tasks made here: drawn by domain weight at the start, asked
after the questions, one graded submission each within the server's clock, nothing of the
verdict, the hints or the solution before the end, then counted by domain and reviewed.

The grader here is a stand-in with the real one's answer shape (practice/grading.py,
TASK_FORMAT.md): the exam's rules are what these tests hold; the grader has its own tests.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from course_format.bank import DOMAINS as DOMAIN_LABELS
from course_format.yamlfile import ContentError
from lessons.models import Lesson
from lessons.rendering import highlight_yaml
from practice.models import Task
from quizzes import exam_task_answers, services
from quizzes.exam_grading import TaskVerdict
from quizzes.exam_task_answers import ALREADY_SUBMITTED, TaskRefused, task_submit
from quizzes.exam_tasks import draw_tasks
from quizzes.models import Attempt, AttemptTask, Question, Quiz

from .test_bank_format import BANK_COURSE
from .test_practice_exam import EXAM, answer, right_values, start
from .test_quiz_attempts import right
from .test_quiz_concurrency import THREADS, run_at_once

pytestmark = pytest.mark.django_db

GOOD = "kind: VirtualService # good"
SOLUTION = "apiVersion: networking.istio.io/v1\nkind: VirtualService  # the-reference-solution\n"
HINT = "the-first-hint-text"
FAIL_MESSAGE = "the-failed-check-message"
# Domains of the fixture's tasks: 2 installation, 3 traffic, 3 security, 2 troubleshooting.
DOMAINS = ["installation"] * 2 + ["traffic"] * 3 + ["security"] * 3 + ["troubleshooting"] * 2
FORM_ACTION = re.compile(r'action="(/quizzes/[^"]+/tasks/(\d+)/)"')


def fake_grade(task: Task, config: str) -> TaskVerdict:
    """Passes a config holding GOOD; every check fails otherwise, with its `fail` message."""
    passed = GOOD in config
    checks = [
        {"name": c["name"], "passed": passed, "message": "" if passed else c.get("fail", "")}
        for c in task.checks
    ]
    return TaskVerdict(passed=passed, checks=checks)


@pytest.fixture(autouse=True)
def stand_in_grader(monkeypatch):
    calls = []

    def grade(task, config):
        calls.append(task.slug)
        return fake_grade(task, config)

    monkeypatch.setattr(exam_task_answers, "grade_submission", grade)
    return calls


def make_task(lesson: Lesson, slug: str, domain: str) -> Task:
    return Task.objects.create(
        lesson=lesson,
        slug=slug,
        title=f"Task {slug}",
        domain=domain,
        competency="",
        scenario=f"Scenario of {slug}.",
        workloads=[
            {
                "name": f"{slug}-reviews-v2",
                "namespace": "bookinfo",
                "labels": {"app": "reviews", "version": "v2"},
                "service": "reviews",
            }
        ],
        starting_config=f"# start-of-{slug}\n",
        hints=[HINT],
        solution=SOLUTION,
        explanation="the-explanation-of-the-task",
        sources=["https://istio.io/latest/docs/reference/config/networking/virtual-service/"],
        checks=[
            {"name": "Istio accepts the config", "valid": {}},
            {"name": f"requests reach v2 ({slug})", "route": {}, "fail": FAIL_MESSAGE},
        ],
    )


@pytest.fixture
def exam(db):
    from coursefiles.loading import load_course_file

    course = load_course_file(BANK_COURSE).course
    lesson = Lesson.objects.get(course=course, slug="basics")
    for index, domain in enumerate(DOMAINS):
        make_task(lesson, f"task-{index}", domain)
    quiz = Quiz.objects.get(slug=EXAM)
    quiz.exam_tasks = 4
    quiz.save(update_fields=["exam_tasks"])
    return quiz


def answer_all_questions(client, attempt: Attempt) -> None:
    for question in Question.objects.filter(id__in=attempt.question_ids).prefetch_related(
        "choices"
    ):
        answer(client, attempt, question.id, right_values(attempt, question))


def submit(client, attempt: Attempt, item: AttemptTask, config: str):
    url = reverse("exam-task-submit", args=[EXAM, attempt.id, item.id])
    return client.post(url, {"config": config})


def items(attempt: Attempt) -> list[AttemptTask]:
    return list(AttemptTask.objects.filter(attempt=attempt).select_related("task"))


def assert_nothing_graded_shown(html: str) -> None:
    for secret in (HINT, FAIL_MESSAGE, "the-reference-solution", "the-explanation-of-the-task"):
        assert secret not in html, secret
    assert "badge-right" not in html and "badge-wrong" not in html


# --- drawing ----------------------------------------------------------------------------------


def test_an_attempt_draws_its_tasks_by_domain_weight_at_the_start(learner_client, exam):
    attempt = start(learner_client)
    drawn = items(attempt)
    # 4 × 20/35/25/20 % by largest remainder: one per domain.
    assert sorted(item.task.domain for item in drawn) == sorted(
        ["installation", "traffic", "security", "troubleshooting"]
    )
    assert [item.order for item in drawn] == [1, 2, 3, 4]
    assert attempt.total == len(attempt.question_ids) + 4 == 14
    assert all(item.answered_at is None and item.passed is None for item in drawn)
    # Stored with the attempt: a reload or a second start asks the same ones.
    assert start(learner_client) == attempt and items(attempt) == drawn


def test_the_next_attempt_prefers_tasks_not_met_yet_and_drafts_are_left_out(
    learner, learner_client, exam
):
    first = start(learner_client)
    learner_client.post(reverse("exam-end", args=[EXAM, first.id]))
    met = {item.task_id for item in items(first)}
    # Every submitted task was "met"; the others are preferred in each domain's share.
    for item in items(first):
        AttemptTask.objects.filter(pk=item.pk).update(
            answered_at=timezone.now(), passed=False, checks=[]
        )
    second = start(learner_client)
    assert not met & {item.task_id for item in items(second)}
    # A draft lesson's tasks are never drawn for learners; a staff preview draws them.
    draft = Lesson.objects.create(course=exam.course, slug="draft", title="Draft", order=99)
    hidden = make_task(draft, "hidden-task", "installation")
    Task.objects.exclude(pk=hidden.pk).filter(domain="installation").delete()
    assert hidden.id not in draw_tasks(exam, user_id=learner.id)
    assert hidden.id in draw_tasks(exam, user_id=learner.id, drafts=True)


def test_tasks_zero_keeps_the_questions_only_exam(learner_client, exam):
    Quiz.objects.filter(pk=exam.pk).update(exam_tasks=0)
    attempt = start(learner_client)
    assert not items(attempt) and attempt.total == len(attempt.question_ids) == 10
    answer_all_questions(learner_client, attempt)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == 10


def test_the_cover_says_how_many_tasks(client, exam):
    page = client.get(exam.get_absolute_url()).content.decode()
    assert "10 questions and 4 hands-on tasks in 30 minutes" in page


# --- taking -----------------------------------------------------------------------------------


def test_tasks_come_after_the_questions_with_nothing_graded_shown(
    learner_client, exam, stand_in_grader, django_assert_max_num_queries
):
    attempt = start(learner_client)
    with django_assert_max_num_queries(10):  # 8 measured on SQLite
        page = learner_client.get(exam.get_absolute_url()).content.decode()
    assert "Question 1 of 10, then 4 tasks" in page
    answer_all_questions(learner_client, attempt)
    attempt.refresh_from_db()
    assert attempt.finished_at is None  # the last question no longer ends it: tasks are open
    with django_assert_max_num_queries(10):  # 8 measured on SQLite
        page = learner_client.get(exam.get_absolute_url()).content.decode()
    first = items(attempt)[0]
    assert "Task 1 of 4" in page and first.task.title in page
    assert first.task.scenario_html in page and f"{first.task.slug}-reviews-v2" in page
    assert "app=reviews" in page and "start-of-" in page  # the workloads, the starting config
    assert 'name="config"' in page and ">Submit<" in page and "csrfmiddlewaretoken" in page
    assert_nothing_graded_shown(page)
    assert not stand_in_grader  # nothing is graded by showing a task

    for number, item in enumerate(items(attempt), start=1):
        with django_assert_max_num_queries(16):  # 14 measured on SQLite (savepoints included)
            response = submit(learner_client, attempt, item, GOOD if number % 2 else "kind: Nope")
        assert response.status_code == 303
        page = learner_client.get(response["Location"], follow=True).content.decode()
        if number < 4:
            assert f"Task {number} submitted" in page and f"Task {number + 1} of 4" in page
            assert_nothing_graded_shown(page)
    assert len(stand_in_grader) == 4
    attempt.refresh_from_db()
    # The last submission ends the exam: 10 right answers and 2 passed tasks of 14.
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (12, 14)
    assert response["Location"] == reverse("quiz-result", args=[EXAM, attempt.id])


def test_one_submission_per_task_a_replay_or_a_second_tab_is_refused(
    learner, exam, stand_in_grader
):
    tab_one, tab_two = Client(), Client()
    tab_one.force_login(learner)
    tab_two.force_login(learner)
    attempt = start(tab_one)
    item = items(attempt)[0]
    assert submit(tab_one, attempt, item, "kind: first").status_code == 303
    replay = submit(tab_one, attempt, item, GOOD)
    other_tab = submit(tab_two, attempt, item, GOOD)
    assert replay["Location"] == other_tab["Location"] == exam.get_absolute_url()
    assert ALREADY_SUBMITTED in tab_two.get(exam.get_absolute_url()).content.decode()
    stored = AttemptTask.objects.get(pk=item.pk)
    assert (stored.config, stored.passed) == ("kind: first", False)
    assert stand_in_grader == [item.task.slug]  # a refused replay is not even graded
    with pytest.raises(TaskRefused) as refused:  # the service holds the line by itself
        task_submit(slug=EXAM, attempt_id=attempt.id, item_id=item.id, config=GOOD, user=learner)
    assert refused.value.code == "submitted"


def test_tasks_can_be_submitted_before_the_questions_are_done(learner_client, exam):
    # The form's address names the task: a learner may submit any of their attempt's tasks.
    attempt = start(learner_client)
    item = items(attempt)[2]
    submit(learner_client, attempt, item, GOOD)
    assert AttemptTask.objects.get(pk=item.pk).passed is True


def test_a_submission_after_the_deadline_is_refused_and_the_exam_finishes(
    learner_client, exam, stand_in_grader
):
    attempt = start(learner_client)
    first, second = items(attempt)[:2]
    submit(learner_client, attempt, first, GOOD)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = submit(learner_client, attempt, second, GOOD)
    result = reverse("quiz-result", args=[EXAM, attempt.id])
    assert response["Location"] == result
    page = learner_client.get(result).content.decode()
    assert "Time is up" in page
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (1, 14)
    assert AttemptTask.objects.get(pk=second.pk).answered_at is None
    assert stand_in_grader == [first.task.slug]


def test_someone_elses_attempt_or_a_task_of_another_attempt_is_refused(
    learner_client, other_learner, exam
):
    attempt = start(learner_client)
    item = items(attempt)[0]
    other = Client()
    other.force_login(other_learner)
    assert submit(other, attempt, item, GOOD).status_code == 404
    other.post(reverse("quiz-start", args=[EXAM]))
    theirs = Attempt.objects.get(quiz=exam, user=other_learner)
    foreign = items(theirs)[0]
    response = submit(learner_client, attempt, foreign, GOOD)  # my attempt, their task row
    assert response["Location"] == exam.get_absolute_url()
    page = learner_client.get(response["Location"]).content.decode()
    assert "That task is not part of this exam" in page
    assert AttemptTask.objects.get(pk=foreign.pk).answered_at is None
    # A visitor with no attempt is told they are signed out, nothing stored.
    url = reverse("exam-task-submit", args=[EXAM, attempt.id, item.id])
    assert Client().post(url, {"config": GOOD})["Location"] == exam.get_absolute_url()
    assert AttemptTask.objects.get(pk=item.pk).answered_at is None


def test_an_oversized_or_nul_config_is_refused_without_using_the_submission(learner_client, exam):
    attempt = start(learner_client)
    item = items(attempt)[0]
    response = submit(learner_client, attempt, item, "a" * (256 * 1024 + 1))
    assert response["Location"] == exam.get_absolute_url()
    assert "larger than 256 KB" in learner_client.get(exam.get_absolute_url()).content.decode()
    assert AttemptTask.objects.get(pk=item.pk).answered_at is None
    # A NUL byte (which PostgreSQL cannot store in text) is refused the same way, not a 500.
    response = submit(learner_client, attempt, item, "kind: VirtualService\x00\n")
    assert response.status_code == 303
    assert "NUL character" in learner_client.get(exam.get_absolute_url()).content.decode()
    assert AttemptTask.objects.get(pk=item.pk).answered_at is None


# --- the end: review and results by domain ----------------------------------------------------


def test_the_review_shows_checks_and_solution_only_after_the_end(
    learner_client, exam, django_assert_max_num_queries
):
    attempt = start(learner_client)
    passed, failed, *_ = items(attempt)
    submit(learner_client, attempt, passed, GOOD)
    submit(learner_client, attempt, failed, "kind: Wrong # mine")
    result = reverse("quiz-result", args=[EXAM, attempt.id])
    assert learner_client.get(result)["Location"] == exam.get_absolute_url()  # not before
    learner_client.post(reverse("exam-end", args=[EXAM, attempt.id]))
    with django_assert_max_num_queries(16):
        review = learner_client.get(result).content.decode()
    assert "Task 1: " + passed.task.title in review and "Task 2: " + failed.task.title in review
    assert review.count(">Passed<") >= 3  # the task's badge and its two checks
    assert FAIL_MESSAGE in review and "kind: Wrong # mine" in review
    assert "the-reference-solution" in review and "the-explanation-of-the-task" in review
    assert review.count("Not submitted") == 2
    assert HINT not in review  # hints belong to practice, not to the exam


def test_results_by_domain_count_tasks_in_their_domain(learner_client, exam):
    attempt = start(learner_client)
    answer_all_questions(learner_client, attempt)
    traffic = next(item for item in items(attempt) if item.task.domain == "traffic")
    for item in items(attempt):
        submit(learner_client, attempt, item, GOOD if item == traffic else "")
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (11, 14) and attempt.finished_at is not None
    page = learner_client.get(reverse("quiz-result", args=[EXAM, attempt.id])).content.decode()
    rows = {
        label: (int(right), int(asked))
        for label, right, asked in re.findall(
            r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td>',
            page,
        )
    }
    # Questions by domain 2/4/2/2, all right, and one task in each: only traffic's passed.
    assert {label: rows[label] for label in DOMAIN_LABELS.values()} == {
        DOMAIN_LABELS["installation"]: (2, 3),
        DOMAIN_LABELS["traffic"]: (5, 5),
        DOMAIN_LABELS["security"]: (2, 3),
        DOMAIN_LABELS["troubleshooting"]: (2, 3),
    }


# --- the course file --------------------------------------------------------------------------


def _read_with(tmp_path, exam_lines: str):
    from course_format.schema import read_course

    folder = tmp_path / "course"
    folder.mkdir(parents=True)
    for path in BANK_COURSE.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(BANK_COURSE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
    course_file = folder / "course.yaml"
    text = course_file.read_text().replace(
        "  pass_percent: 75\n", f"  pass_percent: 75\n{exam_lines}"
    )
    course_file.write_text(text)
    return read_course(folder)


def test_the_course_file_reads_tasks_and_refuses_out_of_bounds(tmp_path):
    assert _read_with(tmp_path / "a", "").practice_exam.tasks == 0
    assert _read_with(tmp_path / "b", "  tasks: 4\n").practice_exam.tasks == 4
    with pytest.raises(ContentError, match="between 0 and 20"):
        _read_with(tmp_path / "c", "  tasks: 21\n")
    with pytest.raises(ContentError, match="whole number"):
        _read_with(tmp_path / "d", "  tasks: four\n")


def test_a_visitor_takes_tasks_too(client, exam):
    client.post(reverse("quiz-start", args=[EXAM]))
    attempt = Attempt.objects.get(quiz=exam, user__isnull=True)
    first, *rest = items(attempt)
    assert submit(client, attempt, first, GOOD)["Location"] == exam.get_absolute_url()
    assert AttemptTask.objects.get(pk=first.pk).passed is True
    answer_all_questions(client, attempt)
    for item in rest:
        response = submit(client, attempt, item, GOOD)
    assert response["Location"] == reverse("quiz-result", args=[EXAM, attempt.id])
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (14, 14) and attempt.passed


def test_the_service_refuses_an_unowned_attempt(learner, other_learner, exam):
    attempt = services.attempt_start(quiz=exam, user=learner)
    item = items(attempt)[0]
    with pytest.raises(Attempt.DoesNotExist):
        task_submit(
            slug=EXAM, attempt_id=attempt.id, item_id=item.id, config=GOOD, user=other_learner
        )


# --- races on PostgreSQL (tabs, double-clicks) ------------------------------------------------
# SQLite runs one writer at a time, so there the race cannot happen and is not tested (as
# tests/test_quiz_concurrency.py).


def RACE(test):  # noqa: N802  (a decorator, named as the marks it stands for)
    return pytest.mark.postgres(pytest.mark.django_db(transaction=True)(test))


def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite runs one writer")


def outcome(learner, attempt_id: int, item_id: int, config: str):
    try:
        task_submit(slug=EXAM, attempt_id=attempt_id, item_id=item_id, config=config, user=learner)
    except TaskRefused as refused:
        return refused.code
    return "stored"


@RACE
def test_simultaneous_submissions_of_one_task_store_exactly_one(learner, exam):
    postgres_only()
    attempt = services.attempt_start(quiz=exam, user=learner)
    item = items(attempt)[0]
    configs = [GOOD if index % 2 else f"kind: Bad{index}" for index in range(THREADS)]
    outcomes = run_at_once(lambda config: outcome(learner, attempt.id, item.id, config), configs)
    assert outcomes.count("stored") == 1, outcomes
    assert outcomes.count("submitted") == THREADS - 1, outcomes
    stored = AttemptTask.objects.get(pk=item.pk)
    assert stored.config in configs and stored.passed == (stored.config == GOOD)
    attempt.refresh_from_db()
    assert attempt.score == int(stored.passed) and attempt.finished_at is None


@RACE
def test_the_last_tasks_submitted_at_once_finish_the_attempt_once(learner, exam):
    postgres_only()
    attempt = services.attempt_start(quiz=exam, user=learner)
    for question in Question.objects.filter(id__in=attempt.question_ids).prefetch_related(
        "choices"
    ):
        services.attempt_answer(attempt=attempt, question=question, choice_ids=right(question))
    drawn = items(attempt)
    for item in drawn[:2]:
        task_submit(slug=EXAM, attempt_id=attempt.id, item_id=item.id, config=GOOD, user=learner)
    last_two = [drawn[2].id, drawn[3].id] * (THREADS // 2)
    outcomes = run_at_once(lambda item_id: outcome(learner, attempt.id, item_id, GOOD), last_two)
    assert outcomes.count("stored") == 2, outcomes
    # After the second one finished the attempt, the later ones find it finished.
    assert set(outcomes) <= {"stored", "submitted", "finished"}, outcomes
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (14, 14)


def test_the_admin_refuses_tasks_on_a_quiz_that_is_no_practice_exam(exam):
    from django.forms import model_to_dict, modelform_factory

    from quizzes.admin import QuizForm

    form_class = modelform_factory(Quiz, form=QuizForm, fields="__all__")
    quiz = Quiz.objects.get(slug="basics-check")
    form = form_class(data=model_to_dict(quiz) | {"exam_tasks": 2}, instance=quiz)
    assert not form.is_valid()
    assert "Only a practice exam draws tasks" in str(form.errors["exam_tasks"])
    form = form_class(data=model_to_dict(exam) | {"exam_tasks": 21}, instance=exam)
    assert "at most 20 tasks" in str(form.errors["exam_tasks"])
    form = form_class(data=model_to_dict(exam) | {"exam_tasks": 3}, instance=exam)
    assert form.is_valid(), form.errors


# --- with the practice app's grader -----------------------------------------------------------

PRACTICE_COURSE = BANK_COURSE.parent / "practice-course"


def test_the_real_grader_marks_a_task_and_the_review_shows_its_checks(
    monkeypatch, learner_client, exam
):
    from coursefiles.loading import load_course_file
    from quizzes import exam_grading

    monkeypatch.setattr(exam_task_answers, "grade_submission", exam_grading.grade_submission)
    load_course_file(PRACTICE_COURSE)
    real = Task.objects.get(slug="jason-to-v2")  # its course's task, moved into the exam's
    Task.objects.exclude(pk=real.pk).delete()
    Task.objects.filter(pk=real.pk).update(lesson=Lesson.objects.get(slug="basics"))
    first = start(learner_client)
    [item] = items(first)
    assert item.task_id == real.id
    submit(learner_client, first, item, real.solution)
    stored = AttemptTask.objects.get(pk=item.pk)
    assert stored.passed is True and len(stored.checks) == len(real.checks)
    assert all(check["passed"] for check in stored.checks)
    learner_client.post(reverse("exam-end", args=[EXAM, first.id]))

    second = start(learner_client)
    [item] = items(second)
    submit(learner_client, second, item, real.starting_config)
    stored = AttemptTask.objects.get(pk=item.pk)
    failed = [check for check in stored.checks if not check["passed"]]
    assert stored.passed is False and failed and all(check["message"] for check in failed)
    learner_client.post(reverse("exam-end", args=[EXAM, second.id]))
    review = learner_client.get(reverse("quiz-result", args=[EXAM, second.id])).content.decode()
    for check in failed:
        assert escape(check["name"]) in review and escape(check["message"]) in review
    # The reference solution (highlighted), now that the exam has ended.
    assert "jason" in real.solution and highlight_yaml(real.solution) in review


def test_loading_and_dumping_carry_the_exams_tasks(tmp_path):
    from coursefiles.dumping import dump_course
    from coursefiles.loading import load_course_file

    folder = tmp_path / "course"
    folder.mkdir()
    for path in BANK_COURSE.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(BANK_COURSE)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
    course_file = folder / "course.yaml"
    course_file.write_text(
        course_file.read_text().replace("  pass_percent: 75\n", "  pass_percent: 75\n  tasks: 3\n")
    )
    course = load_course_file(folder).course
    assert Quiz.objects.get(slug=EXAM).exam_tasks == 3
    assert "tasks: 3" in dump_course(course)


def test_the_attempt_admin_lists_its_tasks_read_only(admin_client, learner, exam):
    attempt = services.attempt_start(quiz=exam, user=learner)
    page = admin_client.get(reverse("admin:quizzes_attempt_change", args=[attempt.id]))
    html = page.content.decode()
    assert page.status_code == 200
    for item in items(attempt):
        assert item.task.title in html
    assert 'name="exam_tasks-0-passed"' not in html  # read-only: nothing to post


def test_signing_in_keeps_the_open_exam_with_more_work_counting_tasks(learner, exam):
    # The account's open exam has one submitted task; the visitor's has nothing: the account's
    # stays. Before tasks counted, a tie (0 answers each) went to the visitor's.
    mine = services.attempt_start(quiz=exam, user=learner)
    task_submit(slug=EXAM, attempt_id=mine.id, item_id=items(mine)[0].id, config=GOOD, user=learner)
    visitor = services.attempt_start(quiz=exam, anon_id="v" * 24)
    assert services.attempts_merge_visitor(user=learner, anon_id="v" * 24) == 0
    assert not Attempt.objects.filter(pk=visitor.pk).exists()
    assert Attempt.objects.get(pk=mine.pk).user == learner


def test_the_shipped_exam_draws_a_task_per_domain_and_grades_them_for_real(
    monkeypatch, shipped_course, learner
):
    from quizzes import exam_grading

    monkeypatch.setattr(exam_task_answers, "grade_submission", exam_grading.grade_submission)
    shipped = Quiz.objects.get(slug="ica-practice-exam")
    assert shipped.exam_tasks == 4  # course.yaml's practice_exam: tasks: 4
    attempt = services.attempt_start(quiz=shipped, user=learner)
    drawn = items(attempt)
    assert sorted(item.task.domain for item in drawn) == sorted(
        ["installation", "traffic", "security", "troubleshooting"]
    )
    assert attempt.total == 24 + 4
    for index, item in enumerate(drawn):
        config = item.task.solution if index % 2 == 0 else item.task.starting_config
        task_submit(
            slug=shipped.slug, attempt_id=attempt.id, item_id=item.id, config=config, user=learner
        )
    marks = [AttemptTask.objects.get(pk=item.pk).passed for item in drawn]
    assert marks == [True, False, True, False]  # solutions pass; starting configs fail a check
    attempt.refresh_from_db()
    assert attempt.score == 2 and attempt.finished_at is None  # the questions are still open
