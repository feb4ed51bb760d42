"""The whole shipped Istio course, loaded as `make run` loads it, checked as a reviewer would."""

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from lessons.models import Lesson, Section
from quizzes.models import Question, Quiz

from .conftest import SHIPPED_COURSE

pytestmark = pytest.mark.django_db


def test_loadcourse_reports_reading_time_per_lesson():
    out = StringIO()
    call_command("loadcourse", str(SHIPPED_COURSE), stdout=out)
    report = out.getvalue()
    for lesson in Lesson.objects.all():
        assert re.search(rf"{re.escape(lesson.title)}\s+{lesson.reading_minutes} min", report)
    seed_lessons = ["what-is-istio", "architecture", "traffic-management", "istio-in-production"]
    minutes = sum(
        Lesson.objects.filter(slug__in=seed_lessons).values_list("reading_minutes", flat=True)
    )
    assert 35 <= minutes <= 50  # the seed page promised about 40 minutes of reading


def test_every_question_has_an_explanation_and_the_right_number_of_correct_choices(shipped_course):
    questions = Question.objects.filter(quiz__course=shipped_course).prefetch_related("choices")
    assert questions.count() >= 40
    for question in questions:
        choices = list(question.choices.all())
        correct = sum(choice.is_correct for choice in choices)
        assert question.explanation.strip(), question.prompt
        if question.kind == "line":  # a choice per line of its config; the explanation says why
            assert 5 <= len(choices) <= 40 and correct == 1, question.prompt
            continue
        assert 3 <= len(choices) <= 5, question.prompt
        if question.kind == "single":
            assert correct == 1, question.prompt
        else:
            assert 1 <= correct < len(choices), question.prompt
        assert all(c.why.strip() for c in choices if not c.is_correct), question.prompt


def test_every_lesson_but_the_last_has_a_short_quiz(shipped_course):
    lessons = list(shipped_course.lessons.all())
    for lesson in lessons[:-1]:
        quiz = Quiz.objects.get(lesson=lesson)
        assert 3 <= quiz.questions.count() <= 5, lesson.slug


def test_every_source_is_an_absolute_https_url(shipped_course):
    sections = Section.objects.filter(lesson__course=shipped_course)
    facts = 0
    for section in sections:
        for source in section.sources:
            assert source["url"].startswith("https://"), (section.slug, source)
            facts += 1
        for href in re.findall(r'href="([^"]+)"', section.body_html):
            assert href.startswith(("https://", "/", "#")), (section.slug, href)
    assert facts >= sections.count()  # on average at least one source per section


def test_every_lesson_links_to_the_calculator_or_the_lab(shipped_course):
    for lesson in shipped_course.lessons.exclude(slug="final-quiz"):
        sections = list(lesson.sections.all())
        kinds = {section.kind for section in sections}
        links = "".join(section.body_html for section in sections)
        assert kinds & {"calculator", "lab"} or re.search(r'href="/(calculator|lab)/', links), (
            lesson.slug
        )


def test_examples_teach_the_api_istio_serves_today(shipped_course):
    from lessons.models import ConfigExample

    for example in ConfigExample.objects.filter(section__lesson__course=shipped_course):
        versions = set(re.findall(r"^apiVersion:\s*(\S+)", example.yaml_text, re.M))
        if example.broken:
            continue
        assert versions <= {"networking.istio.io/v1", "security.istio.io/v1",
                            "telemetry.istio.io/v1", "gateway.networking.k8s.io/v1"}, (
            example.slug, versions)  # fmt: skip


def test_each_lesson_offers_its_quiz_once(shipped_course, client):
    # A lesson with a quiz section links its quiz there; the closing "Check your
    # understanding" box is for lessons without one, so no lesson offers the quiz twice.
    for lesson in shipped_course.lessons.all():
        quiz = Quiz.objects.filter(lesson=lesson).first()
        if quiz is None:
            continue
        html = client.get(lesson.get_absolute_url()).content.decode()
        has_section = lesson.sections.filter(kind="quiz").exists()
        assert html.count(f'href="{quiz.get_absolute_url()}"') == 1, lesson.slug
        assert ('<aside class="callout">' in html) is not has_section, lesson.slug


def test_the_right_answers_are_spread_over_the_places(shipped_course):
    """Issue 20: every shipped question listed its right answer first. A reader of the file or
    the admin must learn no place to tick: no place holds more than 40% of the single-answer
    questions' right answers, not every multiple-answer question starts with a right one, and
    no quiz could be passed by ticking one place every time in the authored order."""
    questions = Question.objects.filter(quiz__course=shipped_course).prefetch_related("choices")
    singles, multiples = Counter(), []
    for question in questions:
        right = [place for place, c in enumerate(question.choices.all()) if c.is_correct]
        if question.kind == "single":
            singles[right[0]] += 1
        else:
            multiples.append(right)
    assert sum(singles.values()) >= 40 and len(multiples) >= 5
    assert max(singles.values()) <= 0.4 * sum(singles.values()), singles
    assert len(singles) == 4  # every place holds some
    assert not all(right[0] == 0 for right in multiples), multiples
    for quiz in Quiz.objects.filter(course=shipped_course).prefetch_related("questions__choices"):
        marks = [[c.is_correct for c in q.choices.all()] for q in quiz.questions.all()]
        for place in range(5):  # ticking only this place, as the file lists the choices
            scored = sum(mark == [i == place for i in range(len(mark))] for mark in marks)
            assert 100 * scored < quiz.pass_percent * max(len(marks), 1), (quiz.slug, place)
