"""Certificates: issued on the request that completes a course, once; verified by anyone with
the link; revoked by staff; a PDF that names the holder and carries the link. And none without
completion, whatever the learner replays."""

import io

import pytest
from django.db import IntegrityError
from django.urls import reverse
from pypdf import PdfReader

from certificates.completion import course_completion
from certificates.models import Certificate
from certificates.services import certificate_issue_if_completed
from lessons.models import Section
from quizzes.models import Attempt, Quiz
from tests.test_quiz_attempts import answer, questions_of, right, start, wrong

# Real commits: a certificate is issued once the completing write has committed (on_commit).
pytestmark = pytest.mark.django_db(transaction=True)


def read_all(client, course, *, quiz_sections: bool = False) -> None:
    """POST "mark as read" for the course's sections (the quiz sections too, when asked: a
    learner can mark those by hand without passing anything)."""
    sections = Section.objects.filter(lesson__course=course).select_related("lesson")
    for section in sections:
        if section.kind == Section.Kind.QUIZ and not quiz_sections:
            continue
        url = reverse("mark-read", args=[course.slug, section.lesson.slug, section.slug])
        assert client.post(url).status_code == 302


def take(client, quiz, *, passing: bool = True):
    """Answer every question of a fresh attempt; returns the last answer's POST data."""
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        response = answer(
            client, quiz, attempt, question, right(question) if passing else wrong(question)
        )
        assert response.status_code in (200, 303)
    return attempt, question


def quizzes_of(course):
    lesson_quizzes = list(Quiz.objects.filter(course=course, lesson__isnull=False))
    return lesson_quizzes, list(Quiz.objects.filter(course=course, lesson__isnull=True))


@pytest.fixture
def certified(learner_client, learner, mini_course):
    """The mini course completed through its pages: every section read, every quiz passed."""
    read_all(learner_client, mini_course)
    lesson_quizzes, finals = quizzes_of(mini_course)
    for quiz in lesson_quizzes + finals:
        take(learner_client, quiz)
    return Certificate.objects.get(user=learner, course=mini_course)


def test_the_request_that_passes_the_final_exam_issues_the_certificate(
    learner_client, learner, mini_course
):
    read_all(learner_client, mini_course)
    lesson_quizzes, finals = quizzes_of(mini_course)
    assert lesson_quizzes and finals
    for quiz in lesson_quizzes:
        take(learner_client, quiz)
    assert not Certificate.objects.exists()  # the final exam is still to pass
    final = finals[0]
    attempt = start(learner_client, final)
    *before, last = questions_of(final)
    for question in before:
        answer(learner_client, final, attempt, question, right(question))
    assert not Certificate.objects.exists()
    answer(learner_client, final, attempt, last, right(last))
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.course, certificate.score) == (learner, mini_course, 100)
    assert certificate.is_valid and len(certificate.public_id) >= 22


def test_reading_the_last_section_after_the_quizzes_issues_it(learner_client, mini_course):
    lesson_quizzes, finals = quizzes_of(mini_course)
    for quiz in lesson_quizzes + finals:
        take(learner_client, quiz)
    text_sections = Section.objects.filter(lesson__course=mini_course).exclude(
        kind=Section.Kind.QUIZ
    )
    last = text_sections.select_related("lesson").order_by("-id").first()
    for section in text_sections.exclude(pk=last.pk).select_related("lesson"):
        learner_client.post(
            reverse("mark-read", args=[mini_course.slug, section.lesson.slug, section.slug])
        )
    assert not Certificate.objects.exists()
    learner_client.post(reverse("mark-read", args=[mini_course.slug, last.lesson.slug, last.slug]))
    assert Certificate.objects.count() == 1


def test_issuing_is_idempotent_and_replays_change_nothing(
    certified, learner_client, learner, mini_course
):
    again = certificate_issue_if_completed(user_id=learner.pk, course_id=mini_course.pk)
    assert again == certified
    final = quizzes_of(mini_course)[1][0]
    attempt = Attempt.objects.filter(quiz=final, user=learner).latest("id")
    last = questions_of(final)[-1]
    answer(learner_client, final, attempt, last, right(last))  # the last answer, replayed
    take(learner_client, final)  # and the exam passed a second time, in another attempt
    assert list(Certificate.objects.values_list("public_id", "issued_at")) == [
        (certified.public_id, certified.issued_at)
    ]
    with pytest.raises(IntegrityError):  # the database allows one per learner and course
        Certificate.objects.create(user=learner, course=mini_course, issued_at=certified.issued_at)


def test_no_certificate_without_passing_every_quiz(learner_client, learner, mini_course):
    # Every section marked by hand, quiz sections included; a failed final exam, then its last
    # answer replayed with the right choices (refused: the attempt is finished).
    read_all(learner_client, mini_course, quiz_sections=True)
    lesson_quizzes, finals = quizzes_of(mini_course)
    for quiz in lesson_quizzes:
        take(learner_client, quiz)
    attempt, last = take(learner_client, finals[0], passing=False)
    answer(learner_client, finals[0], attempt, last, right(last))
    completion = course_completion(user_id=learner.pk, course_id=mini_course.pk)
    assert completion.sections_read == completion.sections_total
    assert completion.quizzes_passed == completion.quizzes_total - 1
    assert not completion.complete and not Certificate.objects.exists()
    # Passing the final exam but not the lesson quiz is not enough either.
    Attempt.objects.filter(quiz__in=lesson_quizzes).delete()
    take(learner_client, finals[0])
    assert not Certificate.objects.exists()


def test_a_signed_out_visitor_verifies_it(certified, client, learner):
    learner.first_name, learner.last_name = "Ada", "Lovelace"
    learner.save()
    response = client.get(certified.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex' in html
    for shown in ("Ada Lovelace", certified.course.title, "100%", "Valid", certified.public_id):
        assert shown in html
    assert learner.email not in html and "Revoked" not in html
    assert client.get("/certificates/not-a-real-id/").status_code == 404
    assert client.post(certified.get_absolute_url()).status_code == 405


def test_staff_revoke_with_a_reason_and_the_page_says_since_when(certified, admin_client, client):
    changelist = reverse("admin:certificates_certificate_changelist")
    chosen = {"action": "revoke", "_selected_action": [certified.pk]}
    asked = admin_client.post(changelist, chosen)
    assert asked.status_code == 200 and b"reason" in asked.content  # the form, nothing revoked
    assert Certificate.objects.get().is_valid
    admin_client.post(changelist, {**chosen, "reason": "Exam taken by someone else"})
    revoked = Certificate.objects.get()
    assert revoked.revoked_at is not None and revoked.revoked_reason.startswith("Exam")
    html = client.get(certified.get_absolute_url()).content.decode()
    assert "Revoked since" in html and revoked.revoked_at.isoformat(timespec="seconds") in html
    assert "Exam taken" not in html  # the reason is for staff


def test_the_pdf_names_the_holder_and_carries_the_verification_url(certified, client, learner):
    response = client.get(certified.get_pdf_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert learner.username in text and certified.course.title in text
    assert f"http://testserver{certified.get_absolute_url()}" in text.replace("\n", "")


def test_me_offers_the_certificate(certified, learner_client):
    html = learner_client.get("/me/").content.decode()
    assert certified.get_absolute_url() in html and certified.get_pdf_url() in html
