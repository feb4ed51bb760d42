"""Back, Forward and reload where an htmx swap pushes its URL: the calculator (live results as
the inputs change) and the team dashboard (its sort links). Each pushed URL is a page of its
own and must come back whole and true to its address. (The quiz's are in test_quiz_journey.)

htmx keeps snapshots of at most ten pages in the session storage and asks the server for any
other (HX-History-Restore-Request): clearing that storage before Back is the same miss as the
eleventh step back.
"""

from teams.services import membership_join, team_create

from .conftest import PASSWORD, log_in


def assert_full_page(page) -> None:
    """The site's own page: header and stylesheet, never a bare swapped-in partial."""
    assert page.locator("header.site-header").is_visible()
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"  # site.css


def forget_htmx_snapshots(page) -> None:
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")


def type_services(page, value: str) -> None:
    page.fill("#id_services", value)
    page.wait_for_url(f"**services={value}**")
    page.wait_for_function(
        "value => document.getElementById('calc-share-link').href.includes('services=' + value)",
        arg=value,
    )


def assert_calculator_shows(page, services: str) -> None:
    assert_full_page(page)
    assert f"services={services}" in page.url
    # the inputs and the results both belong to the address
    assert page.input_value("#id_services") == services
    assert f"services={services}" in page.get_attribute("#calc-share-link", "href")


def test_calculator_back_and_forward_show_each_address_whole(live_server, page):
    base = live_server.url
    page.goto(base + "/calculator/")
    for value in ("30", "40", "50"):
        type_services(page, value)
    page.go_back()
    page.wait_for_url("**services=40**")
    page.wait_for_function("document.getElementById('id_services').value === '40'")
    assert_calculator_shows(page, "40")
    forget_htmx_snapshots(page)
    page.go_back()  # a page htmx has no snapshot of: fetched from the server
    page.wait_for_url("**services=30**")
    page.wait_for_function("document.getElementById('id_services').value === '30'")
    assert_calculator_shows(page, "30")
    page.go_forward()
    page.wait_for_url("**services=40**")
    page.wait_for_function("document.getElementById('id_services').value === '40'")
    assert_calculator_shows(page, "40")
    page.reload()  # the pushed address, asked for by the browser itself
    assert_calculator_shows(page, "40")


def test_calculator_back_from_another_page_shows_the_whole_calculator(live_server, page):
    base = live_server.url
    page.goto(base + "/calculator/")
    type_services(page, "30")
    type_services(page, "40")
    page.click("header.site-header a:has-text('Config lab')")
    page.wait_for_url(base + "/lab/")
    page.go_back()
    page.wait_for_url("**services=40**")
    assert_calculator_shows(page, "40")
    forget_htmx_snapshots(page)
    page.go_back()
    page.wait_for_url("**services=30**")
    page.wait_for_function("document.getElementById('id_services').value === '30'")
    assert_calculator_shows(page, "30")


def sorted_by(page) -> str:
    return page.inner_text("#member-table th[aria-sort] .sort-link").strip(" ▲▼")


def test_dashboard_sort_survives_back_forward_and_reload(
    live_server, course, page, django_user_model
):
    base = live_server.url
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    team = team_create(name="Platform", slug="platform", courses=[course], creator=boss)
    for name in ("ada", "zed"):
        membership_join(team=team, user=django_user_model.objects.create_user(name))
    log_in(page, base, "boss")
    page.goto(f"{base}/teams/platform/")
    assert sorted_by(page) == "Member"
    page.click("#member-table a.sort-link:has-text('Completion')")
    page.wait_for_url("**sort=completion")
    page.click("#member-table a.sort-link:has-text('Last activity')")
    page.wait_for_url("**sort=activity")
    assert_full_page(page)
    assert sorted_by(page) == "Last activity"
    forget_htmx_snapshots(page)
    page.go_back()
    page.wait_for_url("**sort=completion")
    page.wait_for_function(
        "document.querySelector('#member-table th[aria-sort]').innerText.includes('Completion')"
    )
    assert_full_page(page)
    page.go_back()
    page.wait_for_url(f"{base}/teams/platform/")
    page.wait_for_function(
        "document.querySelector('#member-table th[aria-sort]').innerText.includes('Member')"
    )
    assert_full_page(page)
    page.go_forward()
    page.wait_for_url("**sort=completion")
    page.wait_for_function(
        "document.querySelector('#member-table th[aria-sort]').innerText.includes('Completion')"
    )
    assert_full_page(page)
    page.reload()
    assert_full_page(page)
    assert sorted_by(page) == "Completion"
