"""Course and lesson pages, and the "mark as read" action. Thin: look up, call, render."""

from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from .lesson_page import (
    ANONYMOUS,
    STAFF,
    CourseLessons,
    lesson_body,
    page_shell,
    viewer_kind,
)
from .models import Course, Lesson, Section
from .progress import (
    course_progress,
    lesson_progress,
    mark_section_read,
    read_marks,
    read_section_ids,
)


@require_safe
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_object_or_404(Course.objects.published(), slug=course)
    (progress,) = course_progress(request, [course_obj])
    return render(request, "lessons/course.html", {"course": course_obj, "progress": progress})


@require_safe
def lesson_detail(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    # Per request: one query for the course's lessons (which lesson, and the cache key), the
    # learner's marks, and a join of the cached page shell's pieces (lesson_page.py).
    lessons = CourseLessons(course)
    viewer = viewer_kind(request.user)
    # Learners see published lessons; staff also see drafts, to preview them as learners will.
    lesson_id = lessons.find(lesson, drafts=viewer == STAFF)
    if lesson_id is None:
        raise Http404("No such lesson.")
    if get_messages(request):  # a one-off notice to show: render this page in full
        return render(request, "lessons/lesson.html", _lesson_context(request, course, lesson))
    shell = page_shell(lessons, lesson_id, viewer, lambda: _lesson_context(None, course, lesson))
    html = shell.render(
        read_ids=read_section_ids(request, lesson_id),
        csrf_token=get_token(request),
        username=request.user.get_username() if viewer != ANONYMOUS else "",
        next_path=request.get_full_path(),
    )
    return HttpResponse(html)


def _lesson_context(request: HttpRequest | None, course: str, lesson: str) -> dict:
    """The page's context; without a request, only what is the same for every learner."""
    in_course = list(
        Lesson.objects.filter(course__slug=course).select_related("course").order_by("order", "id")
    )
    published = [item for item in in_course if item.published and item.course.published]
    staff = request is None or request.user.is_staff  # the shell is built for staff too
    lesson_obj = next(item for item in (in_course if staff else published) if item.slug == lesson)
    body = lesson_body(lesson_obj)
    position = next((i for i, item in enumerate(published) if item.id == lesson_obj.id), None)
    previous_lesson = published[position - 1] if position else None
    next_lesson = (
        published[position + 1] if position is not None and position + 1 < len(published) else None
    )
    context = {
        "lesson": lesson_obj,
        "course": lesson_obj.course,
        "sections": body.sections,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_quiz": body.lesson_quiz,
    }
    if request is not None:
        marks = read_marks(request, body.section_ids)
        context["read_ids"] = set(marks)
        context["progress"] = lesson_progress({lesson_obj.id: body.section_ids}, marks)[
            lesson_obj.id
        ]
    return context


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
    lesson_obj = section_obj.lesson
    if not request.htmx:
        return redirect(f"{lesson_obj.get_absolute_url()}#{section_obj.slug}")
    body = lesson_body(lesson_obj)
    entry = next((entry for entry in body.sections if entry.id == section_obj.id), None)
    if entry is None:  # the section was removed while this request ran: show the whole page
        return redirect(f"{lesson_obj.get_absolute_url()}#{section_obj.slug}")
    marks = read_marks(request, body.section_ids)
    context = {
        "lesson": lesson_obj,
        "course": lesson_obj.course,
        "sections": body.sections,  # the panel's table of contents stays after the swap
        "section": entry,
        "read_ids": set(marks),
        "progress": lesson_progress({lesson_obj.id: body.section_ids}, marks)[lesson_obj.id],
        "oob": True,
    }
    # The progress panel is the target; the section's button and the screen-reader
    # announcement are swapped out of band.
    html = render_to_string("lessons/lesson.html#progress", context, request)
    html += render_to_string("lessons/lesson.html#read-control", context, request)
    html += render_to_string("lessons/lesson.html#read-announcement", context, request)
    return HttpResponse(html)
