"""No page scrolls sideways on a small phone (320 px wide).

Wide tables and code scroll inside their own box; Istio's long names and field paths wrap. A
page wider than the screen makes the whole page slide under a learner's thumb, so every page a
learner or an instructor reaches is checked, with real data in the tables.
"""

from django.utils import timezone

from lessons.models import Lesson, Section, SectionProgress
from quizzes import services
from quizzes.models import Quiz
from teams.services import membership_join, team_create

from .conftest import PASSWORD, log_in, screenshot

SMALL_PHONE = {"width": 320, "height": 640}


def finish(quiz: Quiz, user) -> int:
    attempt = services.attempt_start(quiz=quiz, user=user)
    for number, question in enumerate(quiz.questions.prefetch_related("choices")):
        choices = list(question.choices.all())
        chosen = [c.id for c in choices if c.is_correct == (number % 2 == 0)][:1] or [choices[0].id]
        services.attempt_answer(attempt=attempt, question=question, choice_ids=chosen)
    return attempt.id


def test_no_page_scrolls_sideways_on_a_small_phone(
    live_server, course, new_page, django_user_model
):
    lead = django_user_model.objects.create_user("lead-with-a-rather-long-name", password=PASSWORD)
    learner = django_user_model.objects.create_user("esther-van-den-berg", password=PASSWORD)
    team = team_create(name="Payments platform", slug="payments", courses=[course], creator=lead)
    membership_join(team=team, user=learner)
    for who in (lead, learner):
        for section in Section.objects.filter(lesson__course=course)[:20]:
            SectionProgress.objects.create(user=who, section=section, read_at=timezone.now())
    final = Quiz.objects.get(slug="istio-final-quiz")
    attempt_id = finish(final, lead)
    for quiz in Quiz.objects.filter(lesson__isnull=False)[:3]:
        finish(quiz, learner)

    page = new_page(viewport=SMALL_PHONE)
    base = live_server.url
    log_in(page, base, lead.username)
    paths = [lesson.get_absolute_url() for lesson in Lesson.objects.filter(course=course)]
    paths += [
        "/",
        course.get_absolute_url(),
        "/calculator/?services=400&replicas=12&rps=25000&mode=ambient&waypoints=8",
        "/lab/",
        "/me/",
        final.get_absolute_url(),
        f"/quizzes/{final.slug}/attempts/{attempt_id}/",
        "/teams/",
        f"/teams/{team.slug}/",
        f"/teams/{team.slug}/members/{learner.username}/",
        "/accounts/password_change/",
    ]
    too_wide = {}
    for path in paths:
        response = page.goto(base + path)
        assert response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SMALL_PHONE["width"]:
            too_wide[path] = width
    assert not too_wide, f"wider than {SMALL_PHONE['width']} px: {too_wide}"


def test_the_team_table_s_member_header_moves_with_its_column(
    live_server, course, new_page, django_user_model
):
    """Wider screens keep the member column (and its header) in view while the table scrolls;
    phones let both scroll away together, so "Member" never stands over lesson cells."""
    lead = django_user_model.objects.create_user("lead", password=PASSWORD)
    learner = django_user_model.objects.create_user("esther", password=PASSWORD)
    team = team_create(name="Payments", slug="payments", courses=[course], creator=lead)
    membership_join(team=team, user=learner)
    where = """() => {
        const wrap = document.querySelector('#member-table');
        wrap.scrollLeft = wrap.scrollWidth;
        const left = wrap.getBoundingClientRect().left;
        const head = document.querySelector('.member-head').getBoundingClientRect();
        const cell = document.querySelector('tbody .member-cell').getBoundingClientRect();
        return {scrolled: wrap.scrollLeft, head: head.left - left, cell: cell.left - left};
    }"""
    for viewport, stays in ((SMALL_PHONE, False), ({"width": 1280, "height": 800}, True)):
        page = new_page(viewport=viewport)
        log_in(page, live_server.url, lead.username)
        # The course's page: a column per lesson and quiz (the dashboard has one per course).
        page.goto(f"{live_server.url}/teams/{team.slug}/progress/{course.slug}/")
        place = page.evaluate(where)
        assert place["scrolled"] > 100, place  # the table is wider than the screen
        if stays:
            assert abs(place["head"]) < 2 and abs(place["cell"]) < 2, place
        else:
            assert place["head"] < -100 and abs(place["head"] - place["cell"]) < 2, place


def test_my_progress_lessons_fit_a_common_phone_without_scrolling(
    live_server, course, new_page, django_user_model
):
    """At 390 px the lessons table (lesson, status with its completion date, sections) fits its
    box: a fourth column made every learner scroll sideways for their own progress."""
    learner = django_user_model.objects.create_user("esther-van-den-berg", password=PASSWORD)
    first = Lesson.objects.filter(course=course).order_by("order").first()
    for section in first.sections.all():
        SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    page = new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, learner.username)
    page.goto(f"{live_server.url}/me/")
    assert page.locator(".me-status time").count() == 1  # the completed lesson's date
    sizes = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].map(e => [e.scrollWidth, e.clientWidth])"
    )
    assert sizes and all(scroll <= client for scroll, client in sizes[:1]), sizes


# Every option of every select, measured in the select's own font: [select id, option, text
# width, room inside the box (less its padding and the arrow, about 1.5rem)].
CHOICES_THAT_DO_NOT_FIT = """(scope) => {
    const ctx = document.createElement('canvas').getContext('2d');
    const cut = [];
    for (const select of document.querySelectorAll(scope + ' select')) {
        const style = getComputedStyle(select);
        ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = select.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight) - 1.5 * parseFloat(style.fontSize);
        for (const option of select.options) {
            const width = ctx.measureText(option.text).width;
            if (width > room) cut.push([select.id, option.text, width, room].map(
                v => typeof v === 'number' ? Math.round(v) : v));
        }
    }
    return cut;
}"""


def test_the_lesson_calculator_s_choices_are_not_cut_off(live_server, course, new_page):
    """The lesson's embed sat its selects two, then four, to a row, as narrow as a number box:
    "Sidecar (Envoy in every pod)" read "Sidecar (Envoy" on a phone, and was cut on a desktop
    too. (At 320 px the longest labels still do not fit: the screen is narrower than them.)"""
    lesson = f"{live_server.url}/courses/{course.slug}/what-is-istio/"
    for width in (360, 390, 1280):
        page = new_page(viewport={"width": width, "height": 844})
        page.goto(lesson)
        assert page.locator(".calculator-embed select").count() == 2
        assert page.evaluate(CHOICES_THAT_DO_NOT_FIT, ".calculator-embed") == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width


HEADER_ROWS = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    const brand = box('.brand'), account = box('.nav-account'), links = box('.nav-links');
    const rows = new Set([brand, account, links].map(r => Math.round(r.top / 8)));
    const overlap = brand.right > account.left && brand.bottom > account.top;
    return {rows: rows.size, overlap, height: box('.site-header').height,
            wide: document.documentElement.scrollWidth};
}"""
# Where each link is when it has the keyboard's focus (the browser scrolls it into view at
# the next frame): inside the links' own box, or not.
FOCUSED_LINK = """async () => {
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    const link = document.activeElement;
    if (!link.closest('.nav-links')) return null;
    const row = link.closest('.nav-links').getBoundingClientRect();
    const it = link.getBoundingClientRect();
    return [link.textContent.trim(), it.left >= row.left - 1 && it.right <= row.right + 1];
}"""


def test_the_phone_header_takes_two_rows_and_every_link_is_reached_by_keyboard(
    live_server, course, new_page, django_user_model
):
    """Three or four rows of header on a phone became two: the brand and the account, then the
    links in one line that scrolls sideways; Tab reaches each link and brings it into view."""
    staff = django_user_model.objects.create_user("ines-the-instructor", password=PASSWORD)
    staff.is_staff = True
    staff.save()
    base = live_server.url
    for who in (None, staff):
        for width in (320, 390):
            page = new_page(viewport={"width": width, "height": 700}, scheme="dark")
            if who is not None:
                log_in(page, base, who.username)
            page.goto(base + "/")
            shape = page.evaluate(HEADER_ROWS)
            assert shape["rows"] == 2 and not shape["overlap"], (width, shape)
            assert shape["wide"] <= width, (width, shape)
            expected = page.locator(".nav-links a").all_inner_texts()
            reached = []
            for _ in range(len(expected) + 3):  # skip link and brand first
                page.keyboard.press("Tab")
                place = page.evaluate(FOCUSED_LINK)
                if place:
                    reached.append(place[0])
                    assert place[1], (width, place)  # scrolled into view, not hidden
            assert reached == expected, (width, reached)
            if who is not None:
                assert "Admin" in expected
    screenshot(page, "header-phone-staff-dark")
