"""The final quiz in a real browser: htmx feedback in place, the same flow without JavaScript,
keyboard-only answering, and axe-core on the question, feedback and result pages."""

import pytest

from quizzes.models import Quiz

from .conftest import assert_accessible, screenshot, sign_up

QUIZ = "/quizzes/istio-final-quiz/"


def answers(course) -> list[tuple[str, list[str]]]:
    """(kind, texts of the right choices) per question, read from the database by the test."""
    quiz = Quiz.objects.get(slug="istio-final-quiz")
    return [
        (q.kind, [c.text for c in q.choices.all() if c.is_correct])
        for q in quiz.questions.prefetch_related("choices")
    ]


def choose(page, texts: list[str]) -> None:
    for text in texts:
        page.locator("label.choice", has_text=text).locator("input").check()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_final_quiz_journey(live_server, course, new_page, javascript):
    page = new_page(javascript=javascript)
    base = live_server.url
    solutions = answers(course)
    page.goto(base + QUIZ)
    page.click("button:has-text('Start the quiz')")
    assert "Question 1 of 6" in page.inner_text("#quiz-panel")
    assert "Score: 0/6" in page.inner_text("#quiz-panel")
    if javascript:
        page.evaluate("window.__sameDocument = true")  # survives only if no reload happens
    for number, (_, right) in enumerate(solutions, start=1):
        if number == 1 and javascript:  # axe-core runs as JavaScript; the markup is the same
            assert_accessible(page, "question page")
        choose(page, right)
        page.click("button:has-text('Check answer')")
        page.wait_for_selector(".feedback-verdict")
        panel = page.inner_text("#quiz-panel")
        assert "Correct" in panel and f"Score: {number}/6" in panel
        if javascript:
            # htmx swapped the panel: the verdict has focus and was announced.
            # (htmx applies autofocus when the swap settles, a moment after the swap)
            page.wait_for_function("document.activeElement.id === 'feedback-verdict'")
            assert f"Score {number} of 6" in page.inner_text("#quiz-live")
        if number == 1:
            screenshot(page, f"quiz-feedback-{'js' if javascript else 'nojs'}")
            if javascript:
                assert_accessible(page, "feedback")
        if number < 6:
            page.click("a:has-text('Next question')")
            page.wait_for_function(
                "n => document.querySelector('#quiz-panel').innerText.includes("
                "'Question ' + n + ' of 6')",
                arg=number + 1,
            )
    if javascript:
        assert page.evaluate("window.__sameDocument") is True  # six answers, no page load
    page.click("a:has-text('See your result')")
    page.wait_for_selector(".result-score")
    main = page.inner_text("main")
    assert "Score: 6/6" in main and "Passed" in main
    if javascript:
        assert_accessible(page, "result")
    sign_up(page, base, f"quizzer{int(javascript)}")
    me = page.inner_text("main")
    assert "Final quiz: Istio in six questions" in me and "6/6" in me


def test_answering_by_keyboard_only(live_server, course, page):
    base = live_server.url
    page.goto(base + QUIZ)
    page.click("button:has-text('Start the quiz')")
    first_input = page.locator("fieldset.choices input").first
    first_input.focus()
    page.keyboard.press("Space")  # selects the focused radio
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_selector(".feedback-verdict")
    assert "Score:" in page.inner_text("#quiz-panel")
    page.keyboard.press("Tab")  # focus leaves the verdict for the links below it
    page.locator("a:has-text('Next question')").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.querySelector('#quiz-panel').innerText.includes('Question 2 of 6')"
    )
    page.wait_for_function("document.activeElement.name === 'choice'")  # in the new question


def test_dark_theme_question_page_is_accessible(live_server, course, new_page):
    page = new_page(scheme="dark")
    page.goto(live_server.url + QUIZ)
    page.click("button:has-text('Start the quiz')")
    page.wait_for_selector("fieldset.choices")
    assert_accessible(page, "question page, dark")
    screenshot(page, "quiz-question-dark")
