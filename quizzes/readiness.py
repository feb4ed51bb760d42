"""A learner's readiness per ICA domain for /me/ (rule: readiness_rule.py), and the lesson
sections a question sends a learner back to. Two queries whatever the history's length: the
last answers per domain (a window function keeps WINDOW rows per domain in the database), and
the sections to reread."""

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from course_format.bank import DOMAINS
from lessons.models import Section

from .models import Response
from .readiness_rule import WINDOW, DomainReadiness


def reread_links(wanted: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[str, str]]:
    """(course id, "lesson/section") → (URL, "Lesson: Section") of each published section
    named (one query)."""
    wanted = {key for key in wanted if key[1]}
    if not wanted:
        return {}
    courses = {course_id for course_id, _ in wanted}
    lessons = {reread.partition("/")[0] for _, reread in wanted}
    rows = Section.objects.filter(
        lesson__course_id__in=courses, lesson__published=True, lesson__slug__in=lessons
    ).values_list(
        "lesson__course_id",
        "lesson__course__slug",
        "lesson__slug",
        "slug",
        "title",
        "lesson__title",
    )
    links = {}
    for course_id, course_slug, lesson, section, title, lesson_title in rows:
        key = (course_id, f"{lesson}/{section}")
        if key in wanted:
            url = reverse("lesson", args=[course_slug, lesson]) + f"#{section}"
            links[key] = (url, f"{lesson_title}: {title}")
    return links


def domain_readiness(user_id: int) -> list[DomainReadiness]:
    """Each domain's last WINDOW counted answers, right and wrong, and the sections that the
    wrong ones send the learner back to."""
    recent = Window(
        RowNumber(),
        partition_by=[F("question__domain")],
        order_by=[F("answered_at").desc(), F("id").desc()],
    )
    rows = (
        Response.objects.filter(
            attempt__user_id=user_id, attempt__preview=False, question__domain__in=list(DOMAINS)
        )
        .annotate(recent=recent)
        .filter(recent__lte=WINDOW)
        .values_list(
            "question__domain", "is_correct", "question__quiz__course_id", "question__reread"
        )
    )
    out = {domain: DomainReadiness(domain, label) for domain, label in DOMAINS.items()}
    wrong: dict[str, set[tuple[int, str]]] = {domain: set() for domain in DOMAINS}
    for domain, right, course_id, reread in rows:
        out[domain].answered += 1
        out[domain].right += right
        if not right and reread:
            wrong[domain].add((course_id, reread))
    links = reread_links(set().union(*wrong.values()))
    for domain, keys in wrong.items():
        out[domain].reread = sorted(
            {links[key] for key in keys if key in links}, key=lambda link: link[1]
        )
    return list(out.values())
