"""Course and lesson pages, and the "mark as read" action. Thin: look up, call, render.

The lesson page's parts that are the same for every learner (each section's body, the quiz
call to action) are cached in its template with `{% cache %}`, keyed by the lesson's content
version and the release; the learner's parts (progress, table of contents, read controls, the
header) are rendered on every request.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from .models import Course, Lesson, Section
from .progress import LessonReading, course_progress, lesson_reading, mark_section_read

TEMPLATE = "lessons/lesson.html"


@require_safe
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_object_or_404(Course.objects.published(), slug=course)
    (progress,) = course_progress(request, [course_obj])
    return render(request, "lessons/course.html", {"course": course_obj, "progress": progress})


@require_safe
def lesson_detail(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    # Every lesson of the course in one query: the one asked for and the pager's neighbours.
    in_course = list(
        Lesson.objects.filter(course__slug=course).select_related("course").order_by("order", "id")
    )
    published = [item for item in in_course if item.published and item.course.published]
    # Learners see published lessons; staff also see drafts, to preview them as learners will.
    visible = in_course if request.user.is_staff else published
    lesson_obj = next((item for item in visible if item.slug == lesson), None)
    if lesson_obj is None:
        raise Http404("No such lesson.")
    position = next((i for i, item in enumerate(published) if item.id == lesson_obj.id), None)
    context = _reading_context(lesson_reading(request, lesson_obj))
    # Without JavaScript, a calculator section's Calculate comes back here (?calc=<section>
    # and its inputs): that section is drawn for those inputs, the rest from the cache.
    context["calc_for"] = request.GET.get("calc", "")
    context["previous_lesson"] = published[position - 1] if position else None
    context["next_lesson"] = (
        published[position + 1] if position is not None and position + 1 < len(published) else None
    )
    return render(request, TEMPLATE, context)


def _reading_context(reading: LessonReading) -> dict:
    return {
        "lesson": reading.lesson,
        "course": reading.lesson.course,
        "sections": reading.sections,
        "read_ids": reading.read_ids,
        "progress": reading.progress,
        "lesson_tasks": reading.tasks,  # its practice tasks (requirements.py), None: none
        "release": settings.MESHLEARN_RELEASE,  # with the content version, the cache keys
    }


@require_POST
def mark_read(request: HttpRequest, course: str, lesson: str, section: str) -> HttpResponse:
    # Drafts cannot collect read marks, even from staff previewing them.
    section_obj = (
        Section.objects.filter(
            lesson__in=Lesson.objects.published(),
            lesson__course__slug=course,
            lesson__slug=lesson,
            slug=section,
        )
        .select_related("lesson__course")
        .first()
    )
    if section_obj is None:
        raise Http404("No such published section.")
    mark_section_read(request, section_obj)
    if not request.htmx:
        return redirect(section_obj.get_absolute_url())
    reading = lesson_reading(request, section_obj.lesson)
    entry = next((item for item in reading.sections if item.id == section_obj.id), None)
    if entry is None:  # the section was removed while this request ran: show the whole page
        return redirect(section_obj.get_absolute_url())
    # The progress panel is the target (its table of contents stays after the swap); the
    # section's button and the screen-reader announcement are swapped out of band.
    context = {**_reading_context(reading), "section": entry, "oob": True}
    html = "".join(
        render_to_string(f"{TEMPLATE}#{part}", context, request)
        for part in ("progress", "read-control", "read-announcement")
    )
    return HttpResponse(html)
