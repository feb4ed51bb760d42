"""A team lead's journey in a real browser: made with `createteamlead`, they create a team, a
learner joins by its link, they read the dashboard and a member's page and remove a learner.

At 1280 px light and 390 px dark, every link on the pages a team lead sees must open for them
(nothing offered that they cannot use), none leads to the admin, and axe finds nothing serious.
Screenshots: artifacts/screenshots/team-lead-*.png.
"""

from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.utils import timezone

from lessons.models import Section, SectionProgress
from teams.models import Membership, Team
from teams.services import membership_join

from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, log_in, screenshot
from .test_phone_layout import finish


def offered_urls(page, base: str) -> set[str]:
    """Every same-site address the page links to or posts to."""
    hrefs = page.eval_on_selector_all(
        "a[href], form[action]", "els => els.map(e => e.getAttribute('href') ?? e.action)"
    )
    urls = {urljoin(page.url, href).split("#")[0] for href in hrefs}
    return {url for url in urls if url.startswith(base)}


def assert_offers_only_what_opens(page, base: str, label: str) -> None:
    for url in offered_urls(page, base):
        assert "/admin/" not in url, f"{label}: links to the admin: {url}"
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href.split('#')[0])")
    for url in {u for u in links if u.startswith(base)}:
        response = page.request.get(url)  # the page's own cookies: what a click would get
        assert response.status == 200, f"{label}: {url} answers {response.status}"
        assert urlsplit(response.url).path != "/accounts/login/", f"{label}: {url} wants a login"


def test_a_team_lead_runs_a_team_and_is_offered_nothing_else(
    live_server, course, new_page, django_user_model, monkeypatch
):
    base = live_server.url
    monkeypatch.setenv("DJANGO_TEAM_LEAD_PASSWORD", PASSWORD)
    call_command("createteamlead", "tara", "--email", "tara@example.com", "--no-input")
    esther = django_user_model.objects.create_user("esther", password=PASSWORD)
    sam = django_user_model.objects.create_user("sam", password=PASSWORD)
    for section in Section.objects.filter(lesson__course=course)[:9]:
        SectionProgress.objects.create(user=esther, section=section, read_at=timezone.now())
    finish(course.quizzes.filter(lesson__isnull=False).order_by("id").first(), esther)

    # Desktop, light: create the team.
    page = new_page(scheme="light", viewport=DESKTOP)
    log_in(page, base, "tara")
    page.goto(f"{base}/teams/")
    nav = page.inner_text("nav.site-nav")
    assert "Teams" in nav and "Admin" not in nav
    screenshot(page, "team-lead-teams-light-desktop")
    page.click("text=New team")
    page.wait_for_url(f"{base}/teams/new/")
    assert "(draft)" not in page.inner_text("main")
    assert_accessible(page, "new team")
    assert_offers_only_what_opens(page, base, "new team")
    screenshot(page, "team-lead-new-light-desktop")
    page.fill("#id_name", "Support crew")
    page.check(f"input[name=courses][value='{course.pk}']")
    page.click("button[type=submit]:has-text('Create the team')")
    page.wait_for_url(f"{base}/teams/support-crew/")
    team = Team.objects.get(slug="support-crew")
    invite = page.input_value("#invite-url")

    # Two learners join by the link (one in the browser, one directly).
    learner_page = new_page()
    log_in(learner_page, base, "esther")
    learner_page.goto(invite)
    learner_page.click("button:has-text('Join the team')")
    learner_page.wait_for_url(f"{base}/")
    membership_join(team=team, user=sam)

    page.reload()
    assert "esther" in page.inner_text("#member-table") and "sam" in page.inner_text("main")
    assert_accessible(page, "dashboard")
    assert_offers_only_what_opens(page, base, "dashboard")
    screenshot(page, "team-lead-dashboard-light-desktop")
    page.click("#member-table a:has-text('esther')")
    page.wait_for_url(f"{base}/teams/support-crew/members/esther/")
    assert_offers_only_what_opens(page, base, "member page")
    screenshot(page, "team-lead-member-light-desktop")

    # The dashboard opens on the summary; each course has a page of members × its lessons.
    page.goto(f"{base}/teams/support-crew/")
    assert "Summary" in page.inner_text("#summary-title")
    page.click(f".summary-table a:has-text('{course.title}')")
    page.wait_for_url(f"{base}/teams/support-crew/progress/{course.slug}/")
    assert "esther" in page.inner_text("#member-table")
    assert page.locator("#member-table td.cell-completed").count() >= 1
    assert_accessible(page, "course page")
    assert_offers_only_what_opens(page, base, "course page")
    screenshot(page, "team-lead-course-light-desktop")
    # The name filter, with htmx swapping the table in place.
    page.goto(f"{base}/teams/support-crew/")
    page.fill("#member-q", "esth")
    page.click(".member-filter button:has-text('Filter')")
    page.wait_for_url("**q=esth**")
    rows = page.inner_text("#member-table tbody")
    assert "esther" in rows and "sam" not in rows and "tara" not in rows

    # Removing a learner is a second, deliberate step.
    page.goto(f"{base}/teams/support-crew/members/sam/")
    page.click("summary:has-text('Remove sam from the team')")
    screenshot(page, "team-lead-remove-light-desktop")
    page.click("button:has-text('Remove them from the team')")
    page.wait_for_url(f"{base}/teams/support-crew/")
    assert "sam is no longer in Support crew" in page.inner_text("main")
    assert not Membership.objects.filter(team=team, user=sam).exists()

    # The admin is not theirs.
    page.goto(f"{base}/admin/lessons/lesson/")
    assert urlsplit(page.url).path == "/admin/login/"

    # Phone, dark: the same pages.
    phone = new_page(scheme="dark", viewport=PHONE)
    log_in(phone, base, "tara")
    for path, name in [
        ("/teams/", "teams"),
        ("/teams/new/", "new"),
        ("/teams/support-crew/", "dashboard"),
        (f"/teams/support-crew/progress/{course.slug}/", "course"),
    ]:
        phone.goto(base + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        assert_accessible(phone, f"{name} (phone, dark)")
        assert_offers_only_what_opens(phone, base, f"{name} (phone, dark)")
        screenshot(phone, f"team-lead-{name}-dark-phone")

    # The dashboard in the other two: dark on a desktop, light on a phone.
    for scheme, viewport, size in [("dark", DESKTOP, "desktop"), ("light", PHONE, "phone")]:
        other = new_page(scheme=scheme, viewport=viewport)
        log_in(other, base, "tara")
        other.goto(f"{base}/teams/support-crew/")
        assert other.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(other, f"team-lead-dashboard-{scheme}-{size}")
