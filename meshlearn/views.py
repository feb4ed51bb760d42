"""Site-wide pages: the catalogue, the learner's dashboard, sign-up, the health check, the
pages for a refused CSRF token and a malformed request, and /favicon.ico."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from lessons.models import SavedScenario
from lessons.progress import course_progress
from quizzes.results import learner_quiz_history
from teams.home import teams_on_home

from .forms import SignupForm


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    courses = course_progress(request)
    teams = teams_on_home(request.user, courses)
    return render(request, "meshlearn/home.html", {"courses": courses, "teams": teams})


@login_required
@require_safe
def me(request: HttpRequest) -> HttpResponse:
    # A staff member's draft previews are not their results (quizzes/views.py shows them).
    history = learner_quiz_history(request.user.pk)
    # The history already says which quizzes were passed: the progress need not ask again.
    passed = {entry.quiz.id for entry in history if entry.passed}
    context = {"courses": course_progress(request, passed_quiz_ids=passed)}
    # Other apps add their own parts of the dashboard here (quiz history, saved scenarios).
    context["scenarios"] = SavedScenario.objects.filter(user=request.user)
    context["quiz_history"] = history
    return render(request, "meshlearn/me.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
@cache_control(max_age=24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers, feed readers and crawlers ask for /favicon.ico whatever a page links: send them
    to the icon base.html links (a temporary redirect: the static file's name changes with it)."""
    return redirect(static("favicon.svg"))


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
        login(request, user, backend="meshlearn.auth_backend.ModelBackend")
        return _to_next(next_url, "me")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. A form from a page opened before signing in or out (in this tab or
    another: both replace the token), or an expired session: say so, and lead back to a fresh
    copy of the page the form came from."""
    back_url = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back_url, {request.get_host()}, request.is_secure()):
        back_url = ""
    return render(request, "403_csrf.html", {"back_url": back_url}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400. Django's own bad_request is wrapped in requires_csrf_token, which runs the
    CSRF check and so parses the body again: for a form body that is not UTF-8 (or has too
    many fields) the parse raises the same BadRequest a second time, and the visitor got a
    500. This view reads nothing of the body; the page's token comes from the cookie."""
    if request.path.endswith(".json"):  # /lab/check.json and the calculator answer in JSON
        return JsonResponse(
            {"error": "The request could not be read; send UTF-8 JSON or form text."}, status=400
        )
    encoding = (request.encoding or "utf-8").lower()
    context = {"charset": request.encoding if encoding not in ("utf-8", "utf8") else ""}
    return render(request, "400.html", context, status=400)
