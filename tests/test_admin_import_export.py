"""Importing and exporting a course file in the admin: same format and checks as the commands.

A file with any mistake changes nothing, and the page says which file, line and key to fix.
Also pinned here: what happens to learners' quiz attempts when an import changes the questions.
"""

import re

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from course_format.yamlfile import MAX_FILE_BYTES
from coursefiles.dumping import dump_course
from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from quizzes.models import Attempt, Choice, Question, Quiz, Response

from .conftest import MINI_COURSE as MINI_COURSE_DIR
from .test_content_loading import alias_bomb, deep_flow

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/lessons/course/import/"


@pytest.fixture
def instructor_client(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", "a-long-instructor-passphrase")
    call_command("createinstructor", "ines", "--no-input")
    client = Client()
    client.force_login(django_user_model.objects.get(username="ines"))
    return client


def upload(client, text: str | bytes, name: str = "course.yaml"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def snapshot() -> dict:
    """Everything an import could touch, as comparable values."""
    return {
        "courses": [dump_course(course) for course in Course.objects.order_by("slug")],
        "ids": {
            model.__name__: sorted(model.objects.values_list("id", flat=True))
            for model in (Course, Lesson, Section, ConfigExample, Quiz, Question, Choice)
        },
    }


def course_data(course: Course) -> dict:
    return yaml.safe_load(dump_course(course))


# --- export ---


def test_changelist_links_import_and_export(instructor_client, mini_course):
    html = instructor_client.get(reverse("admin:lessons_course_changelist")).content.decode()
    assert f'href="{IMPORT_URL}"' in html
    assert f'href="/admin/lessons/course/{mini_course.pk}/export/" download' in html
    change = instructor_client.get(reverse("admin:lessons_course_change", args=[mini_course.pk]))
    assert f'href="/admin/lessons/course/{mini_course.pk}/export/"' in change.content.decode()


def test_export_downloads_the_dumpcourse_text(instructor_client, mini_course):
    response = instructor_client.get(f"/admin/lessons/course/{mini_course.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mini-mesh.yaml"'
    assert response.content.decode() == dump_course(mini_course)


def test_export_of_an_unknown_course_is_404(instructor_client, mini_course):
    assert instructor_client.get("/admin/lessons/course/99999/export/").status_code == 404


def test_exported_file_imports_back_unchanged(instructor_client, mini_course):
    exported = instructor_client.get(f"/admin/lessons/course/{mini_course.pk}/export/").content
    before = snapshot()
    response = upload(instructor_client, exported, "mini-mesh.yaml")
    assert response.status_code == 302
    assert snapshot() == before
    page = instructor_client.get(response["Location"]).content.decode()
    assert "No changes: course" in page


# --- import ---


def test_import_creates_a_new_course_and_reports_it(instructor_client, mini_course):
    data = course_data(mini_course)
    data["slug"], data["title"] = "copied-mesh", "A copied course"
    for quiz in [lesson.get("quiz") for lesson in data["lessons"]] + data.get("quizzes", []):
        if quiz:
            quiz["slug"] = "copied-" + quiz["slug"]
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    copied = Course.objects.get(slug="copied-mesh")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:lessons_course_change", args=[copied.pk])
    assert copied.lessons.count() == 2
    assert Section.objects.filter(lesson__course=copied).count() == 4
    assert Quiz.objects.filter(course=copied).count() == 2
    page = instructor_client.get(response["Location"]).content.decode()
    assert "Course &#x27;copied-mesh&#x27;: created" in page


def test_import_updates_in_place_and_keeps_progress_on_unchanged_sections(
    instructor_client, mini_course, learner
):
    intro = Section.objects.get(slug="intro")
    SectionProgress.objects.create(user=learner, section=intro, read_at=timezone.now())
    data = course_data(mini_course)
    data["lessons"][0]["sections"][1]["title"] = "Routing, renamed"
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    assert response.status_code == 302
    assert Section.objects.get(slug="routing").title == "Routing, renamed"
    assert Section.objects.get(slug="intro").pk == intro.pk
    assert SectionProgress.objects.filter(user=learner, section=intro).exists()


# --- an older file must not silently delete learners' work ---


def _without_second_lesson(course: Course) -> str:
    data = course_data(course)
    data["lessons"] = [lesson for lesson in data["lessons"] if lesson["slug"] != "second"]
    return yaml.safe_dump(data, sort_keys=False)


def test_a_file_leaving_out_a_lesson_learners_used_is_refused_and_says_what(
    instructor_client, mini_course, learner
):
    only = Section.objects.get(slug="only")
    SectionProgress.objects.create(user=learner, section=only, read_at=timezone.now())
    final = Quiz.objects.get(slug="mini-final")
    Attempt.objects.create(user=learner, quiz=final)
    data = course_data(mini_course)
    data["lessons"].pop()  # the second lesson, read by the learner
    data["quizzes"] = []  # the final quiz, attempted
    before = snapshot()
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert "leaves out lesson &#x27;second&#x27;, quiz &#x27;mini-final&#x27;" in html
    assert "1 quiz attempt, 1 read mark" in html
    assert "Delete what the file leaves out" in html
    assert snapshot() == before
    assert SectionProgress.objects.filter(section=only).exists() and Attempt.objects.exists()


def test_ticking_the_box_deletes_them_with_the_work_and_says_so(
    instructor_client, mini_course, learner
):
    only = Section.objects.get(slug="only")
    SectionProgress.objects.create(user=learner, section=only, read_at=timezone.now())
    response = instructor_client.post(
        IMPORT_URL,
        {
            "file": SimpleUploadedFile("course.yaml", _without_second_lesson(mini_course).encode()),
            "delete_learner_work": "on",
        },
    )
    assert response.status_code == 302
    assert not Lesson.objects.filter(slug="second").exists()
    assert not SectionProgress.objects.exists()
    page = instructor_client.get(response["Location"]).content.decode()
    assert "deleted 1 lessons;" in page  # its section went with it
    assert "learners&#x27; work removed with them: 1 read mark" in page


def test_leaving_out_what_no_learner_used_needs_no_box(instructor_client, mini_course):
    response = upload(instructor_client, _without_second_lesson(mini_course))
    assert response.status_code == 302
    assert not Lesson.objects.filter(slug="second").exists()


def test_loadcourse_still_applies_the_file_and_reports_the_work_removed(mini_course, learner):
    from io import StringIO

    from course_format.schema import read_course
    from coursefiles.loading import load_course

    SectionProgress.objects.create(
        user=learner, section=Section.objects.get(slug="only"), read_at=timezone.now()
    )
    data = read_course(MINI_COURSE_DIR / "course.yaml")
    data.lessons = [lesson for lesson in data.lessons if lesson.slug != "second"]
    report = load_course(data)
    assert "learners' work removed with them: 1 read mark" in report.summary()
    assert not SectionProgress.objects.exists()
    out = StringIO()
    call_command("loadcourse", str(MINI_COURSE_DIR), stdout=out)  # puts the lesson back
    assert Lesson.objects.filter(slug="second").exists()


BROKEN_EXAMPLE = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
    timeout: 5 seconds
"""


def _with_bad_example(data: dict) -> dict:
    data["lessons"][0]["sections"][1]["examples"][0]["yaml"] = BROKEN_EXAMPLE
    return data


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("syntax", r"mini-mesh\.yaml, line 3</code>: invalid YAML"),
        (
            "unknown-key",
            r"mini-mesh\.yaml, line 3</code> at <code>colour</code>: "
            r"unknown key &#x27;colour&#x27;",
        ),
        (
            "bad-slug",
            r"yaml, line \d+</code> at <code>lessons\[1\]\.slug</code>: "
            r"&#x27;Second Lesson&#x27; is not a slug",
        ),
        (
            "single-choice",
            r"A single-choice question needs exactly one correct choice; 2 are marked correct",
        ),
        ("broken-example", r"example &#x27;all-v1&#x27; has 1 error\(s\), first at line \d+"),
        (
            "lesson-file",
            r"lesson file &#x27;first\.yaml&#x27; does not exist\. Upload one YAML file",
        ),
        ("not-utf8", r"not UTF-8"),
        ("too-big", r"larger than"),
        ("empty-mapping", r"expected a mapping"),
    ],
)
def test_import_errors_name_file_and_line_and_leave_the_database_untouched(
    instructor_client, mini_course, learner, case, expected
):
    SectionProgress.objects.create(
        user=learner, section=Section.objects.get(slug="intro"), read_at=timezone.now()
    )
    good = dump_course(mini_course)
    data = course_data(mini_course)
    # Every bad file also changes something valid first, which must not be applied either.
    data["title"] = "Changed before the mistake"
    data["lessons"][0]["sections"].pop()  # would delete a section
    if case == "syntax":
        text = good.replace("title: A small mesh course", "title: [unclosed")
    elif case == "unknown-key":
        data = {"slug": data["slug"], "title": data["title"], "colour": "blue", **data}
        text = yaml.safe_dump(data, sort_keys=False)
    elif case == "bad-slug":
        data["lessons"][1]["slug"] = "Second Lesson"
        text = yaml.safe_dump(data, sort_keys=False)
    elif case == "single-choice":
        data["quizzes"][0]["questions"][0]["choices"][1]["correct"] = True
        text = yaml.safe_dump(data, sort_keys=False)
    elif case == "broken-example":
        text = yaml.safe_dump(_with_bad_example(data), sort_keys=False)
    elif case == "lesson-file":
        data["lessons"][0] = "first.yaml"
        text = yaml.safe_dump(data, sort_keys=False)
    elif case == "not-utf8":
        text = good.replace("A small mesh course", "Caf\xe9").encode("latin-1")
    elif case == "too-big":
        text = good + "#" * MAX_FILE_BYTES
    else:
        text = "- just\n- a list\n"
    before = snapshot()
    response = upload(instructor_client, text, "mini-mesh.yaml")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported." in html
    assert re.search(expected, html, re.S), html[html.find("errornote") :][:600]
    assert "course-upload-" not in html  # the temporary path is never shown
    assert snapshot() == before
    assert SectionProgress.objects.count() == 1


def test_deliberately_broken_example_imports(instructor_client, mini_course):
    data = _with_bad_example(course_data(mini_course))
    data["lessons"][0]["sections"][1]["examples"][0]["broken"] = True
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    assert response.status_code == 302
    assert ConfigExample.objects.get(slug="all-v1").broken


def test_quiz_slug_of_another_course_is_refused_without_changes(instructor_client, mini_course):
    data = course_data(mini_course)
    data["slug"] = "thief"
    data["lessons"][0].pop("quiz")  # keeps only mini-final, which belongs to mini-mesh
    before = snapshot()
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    assert "quiz slug &#x27;mini-final&#x27; is already used by another course" in (
        response.content.decode()
    )
    assert snapshot() == before


def test_import_needs_a_file(instructor_client):
    response = instructor_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_import_refuses_a_post_without_csrf(django_user_model, mini_course):
    root = django_user_model.objects.create_superuser("root", "r@example.com", "x-long-pass-1")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(root)
    before = snapshot()
    response = strict.post(IMPORT_URL, {"file": SimpleUploadedFile("c.yaml", b"slug: x\n")})
    assert response.status_code == 403
    assert snapshot() == before


def test_import_needs_authoring_permissions(client, django_user_model, mini_course):
    assert client.get(IMPORT_URL).status_code == 302  # to the admin login
    staff = django_user_model.objects.create_user("staffer", password="x-long-pass-1")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(IMPORT_URL).status_code == 403
    changelist = client.get(reverse("admin:lessons_course_changelist"))
    assert changelist.status_code == 403
    assert client.get(f"/admin/lessons/course/{mini_course.pk}/export/").status_code == 403


def test_import_page_opens_for_instructors(instructor_client):
    html = instructor_client.get(IMPORT_URL).content.decode()
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html


# --- what an import does to quiz attempts ---


def test_changing_questions_keeps_finished_attempts_as_they_were_scored(
    instructor_client, mini_course, learner
):
    """Finished attempts are a record: score and total stay as they were when the learner
    finished. Answers to a question that no longer exists go with it; the score does not."""
    quiz = Quiz.objects.get(slug="first-check")
    question = quiz.questions.get()
    attempt = Attempt.objects.create(user=learner, quiz=quiz)
    answer = Response.objects.create(attempt=attempt, question=question, is_correct=True)
    answer.choices.set(question.choices.filter(is_correct=True))
    Attempt.objects.filter(pk=attempt.pk).update(finished_at=timezone.now(), score=1, total=1)

    data = course_data(mini_course)
    first_quiz = data["lessons"][0]["quiz"]
    edited = dict(first_quiz["questions"][0], prompt="Which concerns move to the mesh?")
    added = {
        "prompt": "What runs beside each workload in sidecar mode?",
        "explanation": "An Envoy proxy.",
        "choices": [{"text": "Envoy", "correct": True}, {"text": "Nothing"}],
    }
    first_quiz["questions"] = [edited, added]
    assert upload(instructor_client, yaml.safe_dump(data, sort_keys=False)).status_code == 302

    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (1, 1)
    assert attempt.percent == 100
    assert quiz.questions.count() == 2
    # An edited question keeps its id, so the learner's answer stays attached to it.
    assert Response.objects.get(pk=answer.pk).question.prompt == "Which concerns move to the mesh?"

    # A second attempt answers the new question; then the question is removed.
    second = Attempt.objects.create(user=learner, quiz=quiz)
    new_question = quiz.questions.get(prompt=added["prompt"])
    Response.objects.create(attempt=second, question=new_question, is_correct=True)
    Attempt.objects.filter(pk=second.pk).update(finished_at=timezone.now(), score=1, total=2)
    first_quiz["questions"] = [edited]
    assert upload(instructor_client, yaml.safe_dump(data, sort_keys=False)).status_code == 302
    second.refresh_from_db()
    assert (second.score, second.total) == (1, 2)  # the record is unchanged
    assert not Question.objects.filter(pk=new_question.pk).exists()
    assert not second.responses.exists()  # its answers went with the question
    assert Response.objects.filter(pk=answer.pk).exists()


def test_a_broken_example_is_located_by_its_line_in_the_file_and_its_lesson(
    instructor_client, mini_course
):
    from coursefiles.dumping import dump_yaml  # as "Export YAML" writes: examples as `yaml: |`

    text = dump_yaml(_with_bad_example(course_data(mini_course)))
    bad_line = next(n for n, line in enumerate(text.splitlines(), 1) if "5 seconds" in line)
    html = upload(instructor_client, text).content.decode()
    assert "Nothing was imported." in html
    assert f"<code>course.yaml, line {bad_line}</code>" in html
    assert "at <code>lessons[0].sections[1].examples[0]</code>" in html
    assert "of its YAML" in html


# --- what the admin saves mid-authoring exports and imports again (lead review) ---


def test_a_draft_lesson_without_sections_and_a_quiz_without_questions_import_back(
    instructor_client, mini_course
):
    draft = Lesson.objects.create(
        course=mini_course, slug="draft", title="Being written", order=99, published=False
    )
    Quiz.objects.create(slug="draft-check", title="Draft check", course=mini_course, lesson=draft)
    exported = instructor_client.get(f"/admin/lessons/course/{mini_course.pk}/export/").content
    before = snapshot()
    response = upload(instructor_client, exported, "mini-mesh.yaml")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert snapshot() == before
    assert not Lesson.objects.get(slug="draft").sections.exists()


def test_a_course_quiz_still_needs_questions_in_the_file(instructor_client, mini_course):
    data = course_data(mini_course)
    data["quizzes"][0]["questions"] = []
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    assert response.status_code == 200
    assert "a quiz needs at least one question" in response.content.decode()


def test_an_example_slug_is_unique_in_its_lesson_not_only_its_section(mini_course):
    from django.core.exceptions import ValidationError

    wrap_up = Section.objects.get(slug="wrap-up")  # same lesson as the "all-v1" example
    twin = ConfigExample(
        section=wrap_up, slug="all-v1", title="Twin", yaml_text="kind: VirtualService\n"
    )
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "already has an example 'all-v1'" in str(refused.value.message_dict["slug"])
    other_lesson = Section.objects.get(slug="only")
    ConfigExample(
        section=other_lesson, slug="all-v1", title="Elsewhere", yaml_text="kind: Gateway\n"
    ).full_clean()  # another lesson may use the slug


def test_an_example_refused_on_import_lists_every_error_not_only_the_first(
    instructor_client, mini_course
):
    # Lead review: the typo `destinaton` was the cause, but only "needs `destination`" showed.
    data = course_data(mini_course)
    data["lessons"][0]["sections"][1]["examples"][0]["yaml"] = BROKEN_EXAMPLE.replace(
        "    - destination:\n        host: reviews\n", "    - destinaton:\n        host: reviews\n"
    )
    response = upload(instructor_client, yaml.safe_dump(data, sort_keys=False))
    page = response.content.decode()
    assert response.status_code == 200
    found = re.search(r"has (\d+) error\(s\), first at line \d+ of its YAML: ([^;(]+)", page)
    assert found and int(found.group(1)) >= 2, page[:3000]
    assert "destinaton" in page  # the later error, the typo itself, is named too


@pytest.mark.parametrize(
    "text, expected",
    [
        (alias_bomb(), "bomb.yaml, line 16</code>: aliases here expand to more than 10,000"),
        (deep_flow(5000), "bomb.yaml, line 13</code>: lists and mappings nest more than 50 "),
    ],
    ids=["aliases", "deep"],
)
def test_an_upload_that_stands_for_too_much_is_refused(
    instructor_client, mini_course, text, expected
):
    before = snapshot()
    response = upload(instructor_client, text, "bomb.yaml")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported." in html and expected in html, html[html.find("errornote") :][
        :600
    ]
    assert snapshot() == before
