"""The learner's own pages: the home page (catalogue with their progress and teams), /me/, and
sign-up."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from calculator.models import SavedScenario
from certificates.models import Certificate
from lessons.models import Course
from lessons.progress import course_progress
from practice.reporting import learner_practice
from quizzes.exam import close_overdue
from quizzes.learners import attempts_of, owned_attempts
from quizzes.models import Quiz
from quizzes.readiness import domain_readiness
from quizzes.readiness_rule import RULE
from quizzes.results import final_quizzes_to_pass, learner_quiz_history
from teams.assignment_views import me_context
from teams.home import teams_on_home

from .forms import SignupForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    # A staff member's draft previews pass nothing (counted() leaves them out).
    to_pass = final_quizzes_to_pass(
        owned_attempts(request).counted(), Course.objects.published().values("id")
    )
    courses = course_progress(request, final_quiz_urls=_urls(to_pass))
    teams = teams_on_home(request.user, courses)
    context = {"courses": courses, "teams": teams, **me_context(request.user, home_teams=teams)}
    return render(request, "accounts/home.html", context)


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    # A practice exam whose clock ran out finishes on the next request, this one included.
    close_overdue(attempts_of(user_id=request.user.pk))
    # A staff member's draft previews are not their results (the quiz pages show them).
    history = learner_quiz_history(request.user.pk)
    # The history already says which quizzes were passed: the progress need not ask again.
    passed = {entry.quiz.id for entry in history if entry.passed}
    to_pass = final_quizzes_to_pass(
        owned_attempts(request), Course.objects.published().values("id"), passed=passed
    )
    courses = course_progress(request, final_quiz_urls=_urls(to_pass))
    context = {"courses": courses}
    # The same task rows the progress above counted (one query for both, kept on the request).
    lesson_ids = [lesson.id for item in courses for lesson, _ in item.lessons]
    context["practice"] = learner_practice(request, lesson_ids)
    # Other apps add their own parts of the dashboard here (quiz history, saved scenarios).
    context["scenarios"] = SavedScenario.objects.filter(user=request.user)
    context["quiz_history"] = history
    context.update(me_context(request.user, full=True))
    context["certificates"] = Certificate.objects.filter(user=request.user).select_related("course")
    context["readiness"] = domain_readiness(request.user.pk)
    context["readiness_rule"] = RULE
    context["practice_exams"] = Quiz.objects.published().filter(exam_questions__gt=0)
    return render(request, "accounts/me.html", context)


def _urls(quizzes: dict) -> dict[int, str]:
    """course id → the page of its final quiz still to pass."""
    return {course_id: quiz.get_absolute_url() for course_id, quiz in quizzes.items()}


def _to_next(next_url: str, fallback: str) -> HttpResponse:
    # A checked `next` is a URL, never a view name: redirect("0") would try to reverse it.
    return HttpResponseRedirect(next_url) if next_url else redirect(fallback)


def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return _to_next(next_url, "home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # login() fires user_logged_in, which carries a visitor's progress into the account.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _to_next(next_url, "me")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})
