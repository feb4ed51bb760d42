"""Quiz pages. (The foundation shows the quiz's cover; taking it arrives with the quiz issue.)"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Quiz


@require_GET
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = get_object_or_404(Quiz.objects.published().select_related("course", "lesson"), slug=slug)
    return render(request, "quizzes/quiz.html", {"quiz": quiz, "count": quiz.questions.count()})
