"""Course and lesson pages, and the "mark as read" action. Thin: look up, call, render."""

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from quizzes.models import Quiz

from .models import Course, Lesson, Section
from .progress import course_progress, lesson_progress, mark_section_read, read_marks


def _visible_lessons(request: HttpRequest):
    """Learners see published lessons; staff also see drafts, to preview them as learners will."""
    if request.user.is_staff:
        return Lesson.objects.all()
    return Lesson.objects.published()


@require_GET
def course_detail(request: HttpRequest, course: str) -> HttpResponse:
    course_obj = get_object_or_404(Course.objects.published(), slug=course)
    (progress,) = course_progress(request, [course_obj])
    return render(request, "lessons/course.html", {"course": course_obj, "progress": progress})


@require_GET
def lesson_detail(request: HttpRequest, course: str, lesson: str) -> HttpResponse:
    lesson_obj = get_object_or_404(
        _visible_lessons(request).select_related("course"), course__slug=course, slug=lesson
    )
    sections = list(lesson_obj.sections.prefetch_related("examples"))
    siblings = list(
        Lesson.objects.published().filter(course=lesson_obj.course).only("slug", "title", "course")
    )
    position = next((i for i, item in enumerate(siblings) if item.id == lesson_obj.id), None)
    previous_lesson = siblings[position - 1] if position else None
    next_lesson = (
        siblings[position + 1] if position is not None and position + 1 < len(siblings) else None
    )
    marks = read_marks(request, [s.id for s in sections])
    quizzes = list(
        Quiz.objects.filter(course=lesson_obj.course)
        .filter(Q(lesson=lesson_obj) | Q(lesson__isnull=True))
        .annotate(question_count=Count("questions"))
    )
    context = {
        "lesson": lesson_obj,
        "course": lesson_obj.course,
        "sections": sections,
        "read_ids": set(marks),
        "progress": lesson_progress({lesson_obj.id: [s.id for s in sections]}, marks)[
            lesson_obj.id
        ],
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "lesson_quiz": next((q for q in quizzes if q.lesson_id == lesson_obj.id), None),
        "final_quiz": next((q for q in quizzes if q.lesson_id is None), None),
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
    section_ids = list(lesson_obj.sections.values_list("id", flat=True))
    marks = read_marks(request, section_ids)
    context = {
        "lesson": lesson_obj,
        "course": lesson_obj.course,
        "section": section_obj,
        "read_ids": set(marks),
        "progress": lesson_progress({lesson_obj.id: section_ids}, marks)[lesson_obj.id],
        "oob": True,
    }
    # The progress panel is the target; the section's button and the screen-reader
    # announcement are swapped out of band.
    html = render_to_string("lessons/lesson.html#progress", context, request)
    html += render_to_string("lessons/lesson.html#read-control", context, request)
    html += render_to_string("lessons/lesson.html#read-announcement", context, request)
    return HttpResponse(html)
