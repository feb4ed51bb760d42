"""Each attempt shows a question's choices in an order of its own (quizzes/choice_order.py):
the same wherever the attempt shows the question, drawn again by the next attempt, and sent by
the form as tokens that give away neither ids nor the authoring order."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from lessons.models import Lesson
from quizzes import choice_order, services
from quizzes.models import Attempt, Choice, Question, Response

from . import test_quiz_preview
from .test_quiz_attempts import HX, answer, html_of, make_quiz, questions_of, right, start
from .test_quiz_preview import unpublish

# The preview tests' fixtures, bound here so that pytest finds them for this module.
instructor, staff_client = test_quiz_preview.instructor, test_quiz_preview.staff_client

CHOICE_TEXT = re.compile(r'<span class="choice-text">(.*?)</span>')
CHOICE_VALUE = re.compile(r'name="choice" value="([^"]+)"')
IDS = [101, 102, 103, 104]

# Five choices, so that an order drawn alike twice by chance is rare (1 in 120).
FIVE = [
    (
        "single",
        "Which proxy runs beside each workload in sidecar mode?",
        "Envoy is the sidecar.",
        [
            ("Envoy", True, ""),
            ("nginx", False, "Not Istio's proxy."),
            ("HAProxy", False, "Not Istio's proxy."),
            ("ztunnel", False, "Ambient mode's node proxy."),
            ("Traefik", False, "Not Istio's proxy."),
        ],
    ),
    (
        "multiple",
        "Which are Istio resources? Select all that apply.",
        "Both are in networking.istio.io.",
        [
            ("VirtualService", True, ""),
            ("DestinationRule", True, ""),
            ("Ingress", False, "A Kubernetes resource."),
            ("Service", False, "A Kubernetes resource."),
        ],
    ),
]


# --- the pure order and tokens -------------------------------------------------------------------


def test_an_order_is_a_permutation_fixed_by_seed_question_and_choices():
    order = choice_order.shown_order(7, 1, IDS)
    assert sorted(order) == IDS
    assert choice_order.shown_order(7, 1, list(reversed(IDS))) == order  # not the input order
    orders = {tuple(choice_order.shown_order(seed, 1, IDS)) for seed in range(50)}
    assert len(orders) > 10  # seeds draw different orders
    assert {tuple(choice_order.shown_order(7, q, IDS)) for q in range(50)} != {tuple(order)}


def test_every_choice_comes_first_about_as_often():
    firsts = Counter(choice_order.shown_order(seed, 9, IDS)[0] for seed in range(4000))
    assert set(firsts) == set(IDS)
    assert all(850 <= count <= 1150 for count in firsts.values()), firsts  # 1000 each, ±5 sd


def test_a_choice_added_meanwhile_leaves_the_others_in_their_order():
    before = choice_order.shown_order(11, 3, IDS)
    after = choice_order.shown_order(11, 3, [*IDS, 105])
    assert [cid for cid in after if cid != 105] == before


def test_arrange_puts_rows_in_the_shown_order():
    rows = [{"id": cid, "text": f"t{cid}"} for cid in IDS]
    arranged = choice_order.arrange(5, 2, rows, lambda row: row["id"])
    assert [row["id"] for row in arranged] == choice_order.shown_order(5, 2, IDS)


def test_tokens_name_choices_only_within_their_attempt_and_question():
    tokens = choice_order.tokens(5, 2, IDS)
    assert len(set(tokens.values())) == len(IDS)
    assert all(re.fullmatch(r"c[0-9a-f]{16}", token) for token in tokens.values())
    assert choice_order.chosen_ids(5, 2, IDS, list(tokens.values())) == set(IDS)
    other_seed = choice_order.tokens(6, 2, IDS)[101]
    other_question = choice_order.tokens(5, 3, IDS)[101]
    for stray in (other_seed, other_question, "c" + "0" * 16, "", "choice", "-3", "1e3"):
        assert choice_order.chosen_ids(5, 2, IDS, [stray]) == {choice_order.NOT_A_CHOICE}
    # Nor is a choice id taken: refused, it would tell which ids are the question's.
    assert choice_order.chosen_ids(5, 2, IDS, ["102"]) == {choice_order.NOT_A_CHOICE}


def test_sorting_the_tokens_says_nothing_of_the_ids():
    lowest = Counter(
        min(IDS, key=choice_order.tokens(seed, 4, IDS).__getitem__) for seed in range(4000)
    )
    assert all(850 <= count <= 1150 for count in lowest.values()), lowest


# --- one order per attempt, wherever it shows the question -------------------------------------


@pytest.fixture
def quiz(mini_course):
    return make_quiz(
        mini_course, slug="five", questions=FIVE, lesson=Lesson.objects.get(slug="first")
    )


def texts(html: str) -> list[str]:
    return CHOICE_TEXT.findall(html)


def review_items(html: str) -> list[list[str]]:
    """Each reviewed question's choice texts, in the order the result page lists them."""
    return [texts(item) for item in html.split('<li class="review-item">')[1:]]


def expected_texts(attempt: Attempt, question: Question) -> list[str]:
    return [c.text for c in attempt.in_shown_order(question.id, list(question.choices.all()))]


@pytest.mark.django_db
def test_an_attempt_shows_its_order_on_every_page(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1, q2 = questions_of(quiz)
    url = quiz.get_absolute_url()
    page = html_of(client.get(url))
    shown = texts(page)
    assert shown == expected_texts(attempt, q1)
    assert texts(html_of(client.get(url))) == shown  # reload
    assert texts(html_of(client.get(url, **HX))) == shown  # htmx, and Back (asks the server)
    ids = [c.id for c in q1.choices.all()]
    tokens = choice_order.tokens(attempt.choice_seed, q1.id, ids)
    order = choice_order.shown_order(attempt.choice_seed, q1.id, ids)
    assert CHOICE_VALUE.findall(page) == [tokens[cid] for cid in order]  # each by its own text

    posted = html_of(answer(client, quiz, attempt, q1, right(q1), **HX))  # htmx feedback
    assert texts(posted) == shown
    feedback_url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id])
    assert texts(html_of(client.get(feedback_url))) == shown  # reload, no JavaScript
    # The no-JavaScript path: the POST redirects to the same feedback.
    page2 = html_of(client.get(url))
    data = {"attempt": attempt.id, "question": q2.id, "choice": CHOICE_VALUE.findall(page2)[:2]}
    redirected = client.post(reverse("quiz-answer", args=[quiz.slug]), data, follow=True)
    assert texts(html_of(redirected)) == texts(page2) == expected_texts(attempt, q2)

    result = html_of(client.get(reverse("quiz-result", args=[quiz.slug, attempt.id])))
    assert review_items(result) == [shown, texts(page2)]


@pytest.mark.django_db
def test_each_attempt_draws_its_own_order(client, learner, quiz):
    client.force_login(learner)
    orders = set()
    for _ in range(6):
        attempt = start(client, quiz)
        orders.add(tuple(texts(html_of(client.get(quiz.get_absolute_url())))))
        for question in questions_of(quiz):
            answer(client, quiz, attempt, question, right(question))
    assert Attempt.objects.filter(finished_at__isnull=False).count() == 6
    assert len(orders) > 1  # six draws of 120 orders alike: 1 in 120**5


@pytest.mark.django_db
def test_a_staff_preview_draws_its_order_the_same_way(staff_client, instructor, quiz):
    unpublish("lesson")
    attempt = start(staff_client, quiz)
    assert attempt.preview
    q1 = questions_of(quiz)[0]
    assert texts(html_of(staff_client.get(quiz.get_absolute_url()))) == expected_texts(attempt, q1)


@pytest.mark.django_db
def test_the_authored_order_is_what_is_stored(quiz):
    # Editing and export read the stored order; only pages the attempts show are shuffled.
    q1 = questions_of(quiz)[0]
    assert [c.text for c in q1.choices.all()] == [text for text, _, _ in FIVE[0][3]]


# --- what the page sends, and what the answer takes ---------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_no_choice_id(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    page = html_of(client.get(quiz.get_absolute_url()))
    form = page[
        page.index('<ul class="choice-list">') : page.index("</ul>", page.index("choice-list"))
    ]
    attributes = re.findall(r'(?:id|for|value)="([^"]*)"', form)
    assert len(attributes) == 3 * len(FIVE[0][3])  # each choice's label, input and value
    for value in attributes:
        assert re.fullmatch(r"(choice-)?c[0-9a-f]{16}", value), value  # a token, never an id
    tokens = choice_order.tokens(attempt.choice_seed, q1.id, [c.id for c in q1.choices.all()])
    assert sorted(CHOICE_VALUE.findall(page)) == sorted(tokens.values())
    assert str(attempt.choice_seed) not in page


@pytest.mark.django_db
def test_a_token_is_taken_only_for_its_attempt_and_question(client, learner, other_learner, quiz):
    other = services.attempt_start(quiz=quiz, user=other_learner)
    client.force_login(learner)
    attempt = start(client, quiz)
    q1, q2 = questions_of(quiz)
    ids1, ids2 = [c.id for c in q1.choices.all()], [c.id for c in q2.choices.all()]
    right1 = next(c.id for c in q1.choices.all() if c.is_correct)
    strays = [
        choice_order.tokens(other.choice_seed, q1.id, ids1)[right1],  # another attempt's
        choice_order.tokens(attempt.choice_seed, q2.id, ids2)[ids2[0]],  # another question's
        str(right1),  # the right choice's own id
        str(ids2[0]),  # another question's choice id
        "c" + "f" * 16,
    ]
    url = reverse("quiz-answer", args=[quiz.slug])
    for stray in strays:
        data = {"attempt": attempt.id, "question": q1.id, "choice": stray}
        refused = html_of(client.post(url, data, **HX))
        assert "not one of this question" in refused, stray
    assert not Response.objects.exists()
    # Its own token scores.
    own = choice_order.tokens(attempt.choice_seed, q1.id, ids1)[right1]
    client.post(url, {"attempt": attempt.id, "question": q1.id, "choice": own}, **HX)
    response = Response.objects.get()
    assert response.is_correct and list(response.choices.values_list("id", flat=True)) == [right1]


@pytest.mark.django_db
def test_the_question_page_costs_no_query_per_choice(
    client, learner, mini_course, django_assert_max_num_queries
):
    few = make_quiz(mini_course, slug="few", questions=FIVE[1:])
    many = [(kind, prompt, why, choices * 4) for kind, prompt, why, choices in FIVE[1:]]
    lots = make_quiz(mini_course, slug="lots", questions=many)
    client.force_login(learner)
    counts = []
    for quiz in (few, lots):
        start(client, quiz)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(quiz.get_absolute_url(), **HX).status_code == 200
        counts.append(len(captured))
    assert Choice.objects.filter(question__quiz=lots).count() == 16
    assert counts[0] == counts[1]


# --- attempts made before the seed --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_existing_attempt_its_own_seed():
    before = [("quizzes", "0007_attempt_preview")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    course = old.get_model("lessons", "Course").objects.create(slug="c", title="C")
    quiz = old.get_model("quizzes", "Quiz").objects.create(slug="q", title="Q", course=course)
    old_attempt = old.get_model("quizzes", "Attempt")
    for number in range(5):
        old_attempt.objects.create(quiz=quiz, anon_id=f"visitor-{number:020d}")
    executor = MigrationExecutor(connection)  # a fresh graph, as `migrate` would read it
    executor.migrate(executor.loader.graph.leaf_nodes())
    seeds = list(Attempt.objects.values_list("choice_seed", flat=True))
    assert len(seeds) == 5 and len(set(seeds)) == 5
