"""Course and lesson pages, and the "mark as read" action. Thin: look up, call, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from .lesson_page import lesson_body
from .models import Course, Lesson, Section
from .progress import course_progress, lesson_progress, mark_section_read, read_marks


@require_safe
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_object_or_404(Course.objects.published(), slug=course)
    (progress,) = course_progress(request, [course_obj])
    return render(request, "lessons/course.html", {"course": course_obj, "progress": progress})


@require_safe
def lesson_detail(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    # One query for the lesson, its course and its siblings (for the pager); the sections'
    # HTML comes from the content-version cache (lesson_page.py), so per request only the
    # learner's parts are rendered.
    in_course = list(
        Lesson.objects.filter(course__slug=course).select_related("course").order_by("order", "id")
    )
    published = [item for item in in_course if item.published and item.course.published]
    # Learners see published lessons; staff also see drafts, to preview them as learners will.
    visible = in_course if request.user.is_staff else published
    lesson_obj = next((item for item in visible if item.slug == lesson), None)
    if lesson_obj is None:
        raise Http404("No such lesson.")
    body = lesson_body(lesson_obj)
    position = next((i for i, item in enumerate(published) if item.id == lesson_obj.id), None)
    previous_lesson = published[position - 1] if position else None
    next_lesson = (
        published[position + 1] if position is not None and position + 1 < len(published) else None
    )
    marks = read_marks(request, body.section_ids)
    context = {
        "lesson": lesson_obj,
        "course": lesson_obj.course,
        "sections": body.sections,
        "read_ids": set(marks),
        "progress": lesson_progress({lesson_obj.id: body.section_ids}, marks)[lesson_obj.id],
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_quiz": body.lesson_quiz,
    }
    return render(request, "lessons/lesson.html", context)


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
