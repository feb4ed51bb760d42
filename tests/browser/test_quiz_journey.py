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


def go_to_question(page, number: int) -> None:
    """Follow "Next question" and wait until question `number` of 6 is shown."""
    page.click("a:has-text('Next question')")
    page.wait_for_function(
        "n => document.querySelector('#quiz-panel').innerText.includes('Question ' + n + ' of 6')",
        arg=number,
    )


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
            go_to_question(page, number + 1)
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


def assert_full_page(page) -> None:
    """The site's own page: header and stylesheet, never a bare swapped-in partial."""
    assert page.locator("header.site-header").is_visible()
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"  # site.css


def test_reload_and_back_show_the_quiz_as_it_is_now(live_server, course, page):
    base = live_server.url
    solutions = answers(course)
    page.goto(base + QUIZ)
    page.click("button:has-text('Start the quiz')")
    choose(page, solutions[0][1])
    page.click("button:has-text('Check answer')")
    page.wait_for_selector(".feedback-verdict")
    assert "/questions/" in page.url  # the feedback has an address of its own
    page.reload()  # the feedback again, not the next question
    assert_full_page(page)
    assert "Correct" in page.inner_text(".feedback-verdict") and "Why" in page.inner_text("main")
    page.click("a:has-text('Next question')")
    page.wait_for_function(
        "document.querySelector('#quiz-panel').innerText.includes('Question 2 of 6')"
    )
    assert page.url == base + QUIZ
    page.click("header.site-header a:has-text('Calculator')")
    page.wait_for_url(base + "/calculator/")
    page.go_back()  # the question page itself, not the partial the htmx "Next" fetched
    page.wait_for_selector("fieldset.choices")
    assert_full_page(page)
    assert "Question 2 of 6" in page.inner_text("#quiz-panel")
    page.go_back()  # htmx's own history: the feedback on question 1, fetched whole
    page.wait_for_selector(".feedback-verdict")
    assert_full_page(page)
    page.go_back()  # where question 1 was asked: it is answered, so question 2
    page.wait_for_function(
        "document.querySelector('#quiz-panel').innerText.includes('Question 2 of 6')"
    )
    assert_full_page(page)

    for number, (_, right) in enumerate(solutions[1:], start=2):
        choose(page, right)
        page.click("button:has-text('Check answer')")
        page.wait_for_selector(".feedback-verdict")
        if number < 6:
            go_to_question(page, number + 1)
    page.reload()  # the last feedback, not the quiz's cover
    assert_full_page(page)
    page.click("a:has-text('See your result')")
    page.wait_for_selector(".result-score")
    page.go_back()  # the last answer's feedback, never the question as if still open
    page.wait_for_selector(".feedback-verdict")
    assert_full_page(page)
    assert page.locator("button:has-text('Check answer')").count() == 0


def test_back_without_javascript_never_shows_an_answered_question_as_open(
    live_server, course, nojs_page
):
    """Back shows any page the browser kept, however stale: with "no-cache" too (only
    "no-store" makes it ask the server), so this needs the quiz pages never stored."""
    page, base = nojs_page, live_server.url
    solutions = answers(course)
    page.goto(base + QUIZ)
    page.click("button:has-text('Start the quiz')")
    page.wait_for_selector("fieldset.choices")
    choose(page, solutions[0][1])
    page.click("button:has-text('Check answer')")
    page.wait_for_selector(".feedback-verdict")
    page.go_back()  # to where question 1 was asked
    assert page.url == base + QUIZ
    assert "Question 2 of 6" in page.inner_text("#quiz-panel")
