"""Every moment a page shows (the learner's dashboard, a quiz result, a team's dashboard and
member page) is a <time> with a machine-readable datetime and text that names its zone."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.urls import reverse

from calculator.models import SavedScenario
from lessons.models import Section, SectionProgress
from quizzes import services
from quizzes.models import Attempt, Quiz
from shared.templatetags.timestamps import utc_time
from teams.models import Membership
from teams.services import membership_join, team_create

pytestmark = pytest.mark.django_db

# Late in the evening in UTC: the next day east of Greenwich, so the zone changes the date too.
READ = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
TIME = re.compile(r"<time\b([^>]*)>(.*?)</time>", re.S)


def times_on(html: str) -> list[tuple[datetime, str]]:
    found = []
    for attributes, text in TIME.findall(html):
        stamp = re.search(r'datetime="([^"]+)"', attributes)
        assert stamp, f"a <time> without a datetime: {text!r}"
        found.append((datetime.fromisoformat(stamp[1]), text.replace("\xa0", " ")))
    return found


def assert_every_time_says_its_zone(html: str, at_least: int) -> None:
    shown = times_on(html)
    assert len(shown) >= at_least, shown
    for moment, text in shown:
        assert moment.utcoffset() == timedelta(0), moment  # machine-readable, with its offset
        assert text == f"{moment.day} {moment:%b %Y, %H:%M} UTC", (moment, text)


@pytest.fixture
def history(mini_course, learner, django_user_model):
    """The learner read a whole lesson, passed the final quiz and saved a scenario; they are in
    an instructor's team."""
    for section in Section.objects.filter(lesson__slug="second"):
        SectionProgress.objects.create(user=learner, section=section, read_at=READ)
    quiz = Quiz.objects.get(slug="mini-final")
    attempt = services.attempt_start(quiz=quiz, user=learner)
    question = quiz.questions.get()
    right = {c.id for c in question.choices.all() if c.is_correct}
    services.attempt_answer(attempt=attempt, question=question, choice_ids=right)
    Attempt.objects.filter(pk=attempt.pk).update(started_at=READ, finished_at=READ)
    scenario = SavedScenario.objects.create(user=learner, name="Checkout", params={})
    SavedScenario.objects.filter(pk=scenario.pk).update(created_at=READ)
    lead = django_user_model.objects.create_user("ines", "ines@example.com", "correct-horse-9")
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=lead)
    membership_join(team=team, user=learner)
    Membership.objects.filter(team=team).update(joined_at=READ)
    return {"attempt": attempt, "quiz": quiz, "team": team, "lead": lead}


def test_the_filter_writes_the_moment_in_utc_and_says_so():
    athens = timezone(timedelta(hours=2))  # whatever zone a datetime comes in, UTC is shown
    html = utc_time(datetime(2026, 3, 5, 1, 30, 59, tzinfo=athens))
    text = "4 Mar 2026, 23:30 UTC"
    assert html == f'<time datetime="2026-03-04T23:30:59+00:00">{text}</time>'
    assert utc_time(None) == ""


def test_the_learner_s_dashboard_says_the_zone_of_every_time(client, learner, history):
    client.force_login(learner)
    page = client.get(reverse("me")).content.decode()
    # the lesson completed, the quiz attempt (shown, and named in its review link), the scenario
    assert_every_time_says_its_zone(page, at_least=4)
    assert "4 Mar 2026, 23:30 UTC" in page


def test_a_quiz_result_says_the_zone_of_its_times(client, learner, history):
    client.force_login(learner)
    url = reverse("quiz-result", args=[history["quiz"].slug, history["attempt"].id])
    assert_every_time_says_its_zone(client.get(url).content.decode(), at_least=2)


def test_the_team_pages_say_the_zone_of_every_time(client, learner, history):
    client.force_login(history["lead"])
    team = history["team"]
    dashboard = client.get(reverse("team-dashboard", args=[team.slug])).content.decode()
    assert_every_time_says_its_zone(dashboard, at_least=1)  # the learner's last activity
    member = client.get(reverse("team-member", args=[team.slug, learner.username]))
    # joined, last active, each section read, the attempt's start and end
    assert_every_time_says_its_zone(member.content.decode(), at_least=5)
