"""A team lead changes their team's courses in a real browser, at 1280 px light and 390 px dark,
with htmx and without JavaScript, and the dashboard follows.

Screenshots: artifacts/screenshots/team-courses-*.png.
"""

from django.utils import timezone

from lessons.models import Course, Lesson, Section, SectionProgress
from teams.instructors import ensure_team_leads_group
from teams.models import Team
from teams.services import membership_join, team_create

from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, log_in, screenshot


def make_world(course, django_user_model):
    """Tara leads a team on the shipped course; Esther, a learner in it, read one section of a
    second published course the team does not train on yet."""
    tara = django_user_model.objects.create_user("tara", password=PASSWORD)
    # Made again if need be: a live-server test flushes the rows a data migration made.
    tara.groups.add(ensure_team_leads_group())
    esther = django_user_model.objects.create_user("esther", password=PASSWORD)
    traffic = Course.objects.create(
        slug="traffic",
        title="Traffic management in practice",
        summary="Retries, timeouts and circuit breaking, tried on a demo mesh.",
        published=True,
        order=50,
    )
    lesson = Lesson.objects.create(
        course=traffic, slug="retries", order=1, title="Retries that help", published=True
    )
    for n in range(3):
        Section.objects.create(lesson=lesson, slug=f"part-{n}", order=n, title=f"Part {n}")
    Course.objects.create(slug="soon", title="Ambient mode (coming)", published=False)
    team = team_create(name="Support crew", slug="support-crew", courses=[course], creator=tara)
    membership_join(team=team, user=esther)
    SectionProgress.objects.create(
        user=esther, section=lesson.sections.first(), read_at=timezone.now()
    )
    return team, traffic


def test_a_team_lead_adds_and_removes_courses(live_server, course, new_page, django_user_model):
    base = live_server.url
    team, traffic = make_world(course, django_user_model)
    marks = SectionProgress.objects.count()

    # Desktop, light, with htmx: from the dashboard, add the second course.
    page = new_page(scheme="light", viewport=DESKTOP)
    log_in(page, base, "tara")
    page.goto(f"{base}/teams/support-crew/")
    assert "Retries that help" not in page.inner_text("main")
    page.click("a:has-text('Change courses')")
    page.wait_for_url(f"{base}/teams/support-crew/courses/")
    main = page.inner_text("main")
    assert "Traffic management in practice" in main and "Ambient mode" not in main
    assert page.is_checked(f"input[name=courses][value='{course.pk}']")
    assert_accessible(page, "courses page")
    # A draft's id, posted by a doctored form, is a field error in the swapped form.
    draft = Course.objects.get(slug="soon")
    page.eval_on_selector(
        f"input[name=courses][value='{traffic.pk}']", f"el => {{ el.value = '{draft.pk}' }}"
    )
    page.check(f"input[name=courses][value='{draft.pk}']")
    page.click("button:has-text('Save the courses')")
    page.locator(".field-errors").get_by_text("is a draft or no longer exists").wait_for()
    assert_accessible(page, "courses page with an error")
    screenshot(page, "team-courses-error-light-desktop")
    assert list(team.courses.values_list("slug", flat=True)) == [course.slug]
    page.check(f"input[name=courses][value='{traffic.pk}']")
    screenshot(page, "team-courses-light-desktop")
    page.click("button:has-text('Save the courses')")
    status = page.locator("#course-change-status")
    status.get_by_text("Added “Traffic management in practice”").wait_for()
    assert page.url == f"{base}/teams/support-crew/courses/"  # swapped in place
    assert page.is_checked(f"input[name=courses][value='{traffic.pk}']")
    assert_accessible(page, "courses page after a save")
    screenshot(page, "team-courses-saved-light-desktop")
    assert set(team.courses.values_list("slug", flat=True)) == {course.slug, "traffic"}
    page.click("a:has-text('Back to the dashboard')")
    page.wait_for_url(f"{base}/teams/support-crew/")
    # The added course has its column, and its own page lists its lessons.
    assert "Traffic management in practice" in page.inner_text("#member-table")
    page.click("#member-table a:has-text('Traffic management in practice')")
    page.wait_for_url(f"{base}/teams/support-crew/progress/traffic/")
    assert "Retries that help" in page.inner_text("#member-table")
    page.go_back()
    screenshot(page, "team-courses-dashboard-light-desktop")

    # Phone, dark, with htmx: remove the shipped course; the page fits the screen.
    phone = new_page(scheme="dark", viewport=PHONE)
    log_in(phone, base, "tara")
    phone.goto(f"{base}/teams/support-crew/courses/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone, "courses page (phone, dark)")
    phone.uncheck(f"input[name=courses][value='{course.pk}']")
    phone.click("button:has-text('Save the courses')")
    phone.locator("#course-change-status").get_by_text("learners keep their progress").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "team-courses-saved-dark-phone")
    assert list(Team.objects.get(pk=team.pk).courses.values_list("slug", flat=True)) == ["traffic"]
    assert SectionProgress.objects.count() == marks

    # Phone, without JavaScript: the same form posts, and the page comes back with a message.
    plain = new_page(scheme="dark", viewport=PHONE, javascript=False)
    log_in(plain, base, "tara")
    plain.goto(f"{base}/teams/support-crew/courses/")
    plain.check(f"input[name=courses][value='{course.pk}']")
    plain.click("button:has-text('Save the courses')")
    plain.wait_for_load_state()
    assert plain.url == f"{base}/teams/support-crew/courses/"
    assert "Added “" in plain.inner_text(".messages")
    assert plain.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(plain, "team-courses-nojs-dark-phone")
    plain.goto(f"{base}/teams/support-crew/")
    assert "Traffic management in practice" in plain.inner_text("#member-table")
    plain.goto(f"{base}/teams/support-crew/progress/traffic/")
    assert "Retries that help" in plain.inner_text("#member-table")
    plain.goto(f"{base}/teams/support-crew/")
    screenshot(plain, "team-courses-dashboard-dark-phone")
    assert SectionProgress.objects.count() == marks
