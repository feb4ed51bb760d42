"""The question bank in the course format (BANK_FORMAT.md): bank files and practice_exam in
course.yaml, the new question keys and formats, their file:line errors, loadcourse/dumpcourse
round trip and the admin import. The practice exam itself: tests/test_practice_exam.py."""

import random
import shutil
from collections import Counter

import pytest
import yaml
from django.core.management import call_command

from course_format.bank import WEIGHTS, quotas
from course_format.schema import read_course
from course_format.yamlfile import ContentError
from coursefiles.dumping import dump_course
from coursefiles.loading import load_course_file
from lessons.models import Course
from quizzes.exam_draw import draw_exam
from quizzes.models import Choice, Question, Quiz

from .conftest import ROOT
from .test_admin_import_export import instructor_client, snapshot, upload  # noqa: F401

BANK_COURSE = ROOT / "tests" / "fixtures" / "bank-course"

# --- the pure draw ------------------------------------------------------------------------------


def test_quotas_follow_the_weights_by_largest_remainder():
    plenty = dict.fromkeys(WEIGHTS, 100)
    assert quotas(40, plenty) == {
        "installation": 8,
        "traffic": 14,
        "security": 10,
        "troubleshooting": 8,
    }
    # 10 × (20, 35, 25, 20) % = 2, 3.5, 2.5, 2: the two halves go to the heavier domain first.
    assert quotas(10, plenty) == {
        "installation": 2,
        "traffic": 4,
        "security": 2,
        "troubleshooting": 2,
    }
    for size in range(1, 60):
        assert sum(quotas(size, plenty).values()) == size


def test_a_short_domain_leaves_its_share_to_the_others_and_a_small_bank_is_asked_whole():
    short = {"installation": 2, "traffic": 100, "security": 100, "troubleshooting": 100}
    drawn = quotas(40, short)
    assert drawn["installation"] == 2 and sum(drawn.values()) == 40
    assert drawn["traffic"] > drawn["security"] > drawn["troubleshooting"]
    assert quotas(40, {"traffic": 3, "security": 1}) == {
        "installation": 0,
        "traffic": 3,
        "security": 1,
        "troubleshooting": 0,
    }


def test_draw_prefers_unseen_then_wrong_and_keeps_the_domain_shares():
    names = ("installation", "traffic", "security", "troubleshooting")
    domains = {qid: names[qid // 10] for qid in range(40)}  # 10 questions in each domain
    seen_right = dict.fromkeys(range(0, 40, 2), True)  # half seen and right
    wrong = {1: False, 11: False}
    drawn = draw_exam(domains, {**seen_right, **wrong}, 20, random.Random(3))
    assert len(drawn) == len(set(drawn)) == 20
    assert Counter(domains[q] for q in drawn) == {
        "installation": 4,
        "traffic": 7,
        "security": 5,
        "troubleshooting": 4,
    }
    never_seen = {q for q in domains if q not in seen_right and q not in wrong}
    # In each domain the questions never seen are drawn before any seen one: all of them, or
    # (troubleshooting: 5 unseen for 4 places) only them.
    for name in names:
        unseen = {q for q in never_seen if domains[q] == name}
        picked = {q for q in drawn if domains[q] == name}
        assert unseen <= picked or picked <= unseen, name
    # Traffic's 4 unseen leave 3 places: its wrong one (11) first; installation's 4 unseen fill
    # its quota, so its wrong one (1) waits for the next attempt.
    assert 11 in drawn and 1 not in drawn
    orders = {tuple(draw_exam(domains, {}, 20)) for _ in range(4)}
    assert len(orders) > 1  # drawn anew for each attempt


# --- reading bank files -------------------------------------------------------------------------


def test_the_fixture_bank_reads_with_every_format():
    course = read_course(BANK_COURSE)
    assert [bank.domain for bank in course.bank] == [
        "installation",
        "traffic",
        "security",
        "troubleshooting",
    ]
    kinds = Counter(q.kind for q in course.all_questions())
    assert kinds["line"] == 1 and kinds["multiple"] == 1
    line = next(q for q in course.all_questions() if q.kind == "line")
    assert line.correct_line == 9 and line.choices == []
    assert any(c.yaml for q in course.all_questions() for c in q.choices)
    assert course.practice_exam.questions == 10 and course.practice_exam.minutes == 30


def _broken_copy(tmp_path, file: str, old: str, new: str):
    folder = tmp_path / "course"
    shutil.copytree(BANK_COURSE, folder)
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(
    ("file", "old", "new", "message", "at"),
    [
        (
            "bank/traffic.yaml",
            "domain: traffic",
            "domain: routing",
            "'routing' is not one of",
            "domain: routing",
        ),
        (
            "bank/traffic.yaml",
            "competency: mirroring",
            "competency: mirrors",
            "not a traffic competency",
            "competency: mirrors",
        ),
        (
            "bank/traffic.yaml",
            "correct_line: 9",
            "correct_line: 10",
            "line 10 is out of range",
            "correct_line: 10",
        ),
        (
            "bank/traffic.yaml",
            "why: Only the primary's",
            "wy: Only the primary's",
            "unknown key 'wy'",
            "wy: Only",
        ),
        (
            "bank/security.yaml",
            "        why: STRICT must be set.\n",
            "",
            "missing 'why'",
            "- text: STRICT",
        ),
        (
            "bank/security.yaml",
            "key: sec-jwt",
            "key: sec-default-mode",
            "duplicate question key 'sec-default-mode'",
            "- key: sec-default-mode",
        ),
        (
            "bank/installation.yaml",
            "    source: https://istio.io/latest/docs/setup/upgrade/canary/\n",
            "",
            "missing required key 'source'",
            "- key: inst-rev-label",
        ),
        (
            "bank/traffic.yaml",
            "    correct_line: 9\n",
            "    correct_line: 9\n    choices: []\n",
            "a 'line' question has no choices",
            "choices: []",
        ),
        (
            "bank/troubleshooting.yaml",
            "source: https://istio.io/latest/docs/ops/diagnostic-tools/\n",
            "source: http://example.com\n",
            "not an absolute https://",
            "source: http://",
        ),
        (
            "bank/traffic.yaml",
            'reread: basics/routing\n    choices:\n      - text: "100"',
            'reread: basics\n    choices:\n      - text: "100"',
            "expected lesson-slug/section-slug",
            "reread: basics\n",
        ),
        (
            "course.yaml",
            "  questions: 10\n",
            "  questions: 0\n",
            "between 1 and 200",
            "questions: 0",
        ),
        (
            "course.yaml",
            "  - bank/security.yaml\n",
            "  - bank/traffic.yaml\n",
            "a second bank file for domain 'traffic'",
            "  - bank/traffic.yaml",
        ),
    ],
)
def test_a_bad_bank_question_is_refused_at_its_file_and_line(tmp_path, file, old, new, message, at):
    folder = _broken_copy(tmp_path, file, old, new)
    text = (folder / file).read_text()
    line = text[: text.rindex(at)].count("\n") + 1  # the last place `at` is written
    with pytest.raises(ContentError) as caught:
        read_course(folder)
    error = caught.value
    assert message in error.message, str(error)
    assert error.file.endswith(file), str(error)
    assert error.line == line, str(error)


def test_a_line_config_shorter_than_five_lines_is_refused(tmp_path):
    old = (
        "      metadata:\n        name: reviews\n      spec:\n        host: reviews\n"
        "        subsets:\n          - name: v1\n            label: {version: v1}\n"
        "    correct_line: 9"
    )
    folder = _broken_copy(tmp_path, "bank/traffic.yaml", old, "    correct_line: 2")
    with pytest.raises(ContentError, match="has 2 lines; a 'line' question shows 5 to 40"):
        read_course(folder)


# --- into the database and back -----------------------------------------------------------------


@pytest.mark.django_db
def test_loading_makes_bank_quizzes_line_choices_and_the_exam_and_a_second_load_changes_nothing():
    report = load_course_file(BANK_COURSE)
    course = report.course
    banks = Quiz.objects.filter(course=course, bank=True)
    assert banks.count() == 4
    exam = Quiz.objects.get(slug="bank-practice-exam")
    assert (exam.exam_questions, exam.exam_minutes, exam.pass_percent, exam.bank) == (
        10,
        30,
        75,
        False,
    )
    line = Question.objects.get(key="traffic-line-subset")
    lines = list(line.choices.values_list("text", "is_correct"))
    assert len(lines) == 9 and lines[8] == ("      label: {version: v1}", True)
    assert sum(right for _, right in lines) == 1
    yaml_choice = (
        Choice.objects.filter(question__key="traffic-yaml-timeout").exclude(yaml="").first()
    )
    assert 'class="' in yaml_choice.yaml_html and "timeout" in yaml_choice.yaml_html  # Pygments
    tagged = Question.objects.get(quiz__slug="basics-check")
    assert (tagged.domain, tagged.competency, tagged.reread) == (
        "traffic",
        "request routing",
        "basics/routing",
    )
    assert load_course_file(BANK_COURSE).changed is False


@pytest.mark.django_db
def test_dumpcourse_writes_the_bank_inline_and_it_loads_back_unchanged(tmp_path):
    course = load_course_file(BANK_COURSE).course
    text = dump_course(course)
    data = yaml.safe_load(text)
    assert [bank["domain"] for bank in data["bank"]] == [
        "installation",
        "traffic",
        "security",
        "troubleshooting",
    ]
    line = next(q for b in data["bank"] for q in b["questions"] if q["kind"] == "line")
    assert line["correct_line"] == 9 and "choices" not in line
    assert data["practice_exam"]["questions"] == 10
    out = tmp_path / "dumped.yaml"
    out.write_text(text)
    before = snapshot()
    assert load_course_file(out).changed is False
    assert snapshot() == before
    call_command("dumpcourse", course.slug, "--output", str(tmp_path / "again.yaml"))
    assert (tmp_path / "again.yaml").read_text() == text


@pytest.mark.django_db
def test_the_admin_import_carries_the_bank_and_reports_a_bad_question_by_line(instructor_client):  # noqa: F811
    text = dump_course(load_course_file(BANK_COURSE).course)
    Course.objects.all().delete()
    assert upload(instructor_client, text).status_code == 302
    assert Question.objects.exclude(domain="").count() == 14
    assert Question.objects.get(key="ts-nr-flag").output.startswith("[2026-01-01")
    bad = text.replace("competency: mirroring", "competency: shadowing")
    page = upload(instructor_client, bad).content.decode()
    assert "shadowing" in page and "is not a traffic competency" in page
    line = bad[: bad.index("competency: shadowing")].count("\n") + 1
    assert f"course.yaml, line {line}" in page


@pytest.mark.django_db
def test_the_admin_s_line_question_takes_its_choices_from_its_config_and_checks_its_tags():
    from django.core.exceptions import ValidationError

    from quizzes.line_choices import line_choices_sync

    load_course_file(BANK_COURSE)
    question = Question.objects.get(key="traffic-line-subset")
    kept = list(question.choices.values_list("id", flat=True))
    question.config = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n"
    question.correct_line = 2
    question.save()
    line_choices_sync(question=question)
    rows = list(question.choices.values_list("id", "text", "is_correct"))
    assert [text for _, text, _ in rows] == ["a: 1", "b: 2", "c: 3", "d: 4", "e: 5", "f: 6"]
    assert [right for _, _, right in rows] == [False, True, False, False, False, False]
    assert [row_id for row_id, _, _ in rows] == kept[:6]  # a line keeps its row by position
    question.correct_line, question.competency = 7, "mTLS and PeerAuthentication"
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert set(caught.value.message_dict) == {"correct_line", "competency"}
