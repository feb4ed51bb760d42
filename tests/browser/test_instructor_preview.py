"""An instructor tries a draft lesson's quiz in a real browser, as learners will take it (with a
banner saying it is a preview), and authors in the admin: sources as lines, a read section
deleted from its own page with the learners' read marks it takes counted."""

from django.core.management import call_command
from django.utils import timezone

from lessons.models import Lesson, Section, SectionProgress
from quizzes import choice_order
from quizzes.models import Attempt, Quiz

from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, screenshot
from .test_instructor_journey import admin_login

LESSON = "traffic-management"
QUIZ = "traffic-management-check"


def make_instructor(monkeypatch, name: str = "irene"):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    call_command("createinstructor", name, "--email", f"{name}@example.com", "--no-input")


def unpublish_lesson() -> Lesson:
    lesson = Lesson.objects.get(slug=LESSON)
    lesson.published = False
    lesson.save()  # through save(): the course's pages are renewed
    return lesson


def right_answers() -> list[list[str]]:
    """The form's values for each question's right choices: the open attempt's tokens."""
    quiz = Quiz.objects.get(slug=QUIZ)
    seed = Attempt.objects.get(quiz=quiz, finished_at__isnull=True).choice_seed
    answers = []
    for question in quiz.questions.prefetch_related("choices"):
        right = [c.id for c in question.choices.all() if c.is_correct]
        answers.append(list(choice_order.tokens(seed, question.id, right).values()))
    return answers


def test_instructor_previews_a_draft_lesson_s_quiz(live_server, course, new_page, monkeypatch):
    base = live_server.url
    make_instructor(monkeypatch)
    lesson = unpublish_lesson()
    page = new_page(viewport=DESKTOP, scheme="light")
    admin_login(page, base, "irene")

    page.goto(f"{base}{lesson.get_absolute_url()}")
    assert "Draft preview" in page.inner_text(".draft-banner")
    page.click("a:has-text('Take the quiz')")
    page.wait_for_url(f"{base}/quizzes/{QUIZ}/")
    banner = page.inner_text(".draft-banner")
    assert "learners cannot see this quiz until its lesson is published" in banner
    page.click("button:has-text('Start the quiz')")
    page.wait_for_selector("#quiz-panel .quiz-question")
    assert_accessible(page, "draft quiz preview")
    screenshot(page, "quiz-draft-preview-light-desktop")
    solutions = right_answers()
    for number, tokens in enumerate(solutions, start=1):
        for token in tokens:
            page.check(f"#choice-{token}")
        page.click("button:has-text('Check answer')")
        page.wait_for_selector(".feedback-verdict")
        if number < len(solutions):
            page.click("a:has-text('Next question')")
            page.wait_for_selector(f"text=Question {number + 1} of {len(solutions)}")
    page.click("a:has-text('See your result')")
    page.wait_for_selector(".result-verdict")
    assert "Passed" in page.inner_text(".result-verdict")
    assert "Draft preview" in page.inner_text(".draft-banner")
    attempt = Attempt.objects.get(quiz__slug=QUIZ)
    assert attempt.preview and attempt.passed
    assert not SectionProgress.objects.exists()  # a draft collects no marks

    # The same on a phone, dark; and learners still get a 404.
    phone = new_page(viewport=PHONE, scheme="dark")
    admin_login(phone, base, "irene")
    phone.goto(f"{base}/quizzes/{QUIZ}/")
    phone.click("button:has-text('Take the quiz again')")
    phone.wait_for_selector("#quiz-panel .quiz-question")
    assert phone.locator(".draft-banner").is_visible()
    screenshot(phone, "quiz-draft-preview-dark-phone")
    visitor = new_page()
    assert visitor.goto(f"{base}/quizzes/{QUIZ}/").status == 404


def test_instructor_writes_sources_as_lines_and_deletes_a_read_section(
    live_server, course, new_page, monkeypatch, django_user_model
):
    base = live_server.url
    make_instructor(monkeypatch)
    section = Section.objects.get(lesson__slug=LESSON, slug="weight-shift")
    for name in ("ada", "bob", "cyd"):
        learner = django_user_model.objects.create_user(name, password=PASSWORD)
        SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    page = new_page(viewport=DESKTOP, scheme="light")
    admin_login(page, base, "irene")

    # Sources as lines; a bad line says what to fix.
    page.goto(f"{base}/admin/lessons/section/{section.pk}/change/")
    shown = page.input_value("#id_sources")
    assert " | https://istio.io/" in shown
    page.fill("#id_sources", shown + "\nIstio blog | http://istio.io/latest/blog/\nJust a title")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    errors = page.inner_text(".field-sources .errorlist")
    assert "is an http:// address" in errors and "no address" in errors
    page.locator(".field-sources").scroll_into_view_if_needed()
    screenshot(page, "admin-section-sources-refused")
    page.fill("#id_sources", shown + "\nIstio blog | https://istio.io/latest/blog/")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    section.refresh_from_db()
    assert section.sources[-1] == {"title": "Istio blog", "url": "https://istio.io/latest/blog/"}
    page.locator(".field-sources").scroll_into_view_if_needed()
    screenshot(page, "admin-section-sources-lines")

    # Deleted from its own page: the read marks it takes are counted, nobody is named.
    page.goto(f"{base}/admin/lessons/section/{section.pk}/delete/")
    content = page.inner_text("#content")
    assert "doesn't have permission" not in content
    assert "3 read marks of 3 learners" in content and "ada" not in content
    screenshot(page, "admin-section-delete-read-marks")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert not Section.objects.filter(pk=section.pk).exists()
    assert not SectionProgress.objects.exists()

    # From the lesson's inline there is no confirmation page: the save says what went.
    other = Section.objects.get(lesson__slug=LESSON, slug="check-your-understanding")
    SectionProgress.objects.create(
        user=django_user_model.objects.get(username="ada"), section=other, read_at=timezone.now()
    )
    page.goto(f"{base}/admin/lessons/lesson/{other.lesson_id}/change/")
    row = page.get_attribute(f"input[name$='-id'][value='{other.pk}']", "name")
    page.check(f"#id_{row.removesuffix('-id')}-DELETE")
    page.click("input[name=_continue]")
    page.wait_for_load_state()
    message = page.inner_text(".messagelist")
    assert "Deleted section “Check your understanding” and, with it, 1 read mark of 1 learner" in (
        message
    )
    screenshot(page, "admin-lesson-inline-deleted-read-marks")
    assert not Section.objects.filter(pk=other.pk).exists()
