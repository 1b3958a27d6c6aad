"""Accessibility (WCAG 2.1 AA) in a real Chromium: axe-core on every page, registration and the
municipality signup with the keyboard alone, the skip link, visible focus, error summaries linked
to their fields, and reflow at 320 CSS pixels.

axe-core is vendored in tests/e2e/vendor (see its README) and injected with `page.evaluate`, which
the site's Content-Security-Policy does not apply to; the site itself never serves it."""

import pytest
from playwright.sync_api import expect

from events.models import Registration
from networking.models import Signup
from tests.e2e.browser import NARROW, blocking_violations, new_context, overflowing
from tests.e2e.pages import PUBLIC_PAGES, STAFF_PAGES, scanner, visit


@pytest.mark.parametrize(("name", "target"), PUBLIC_PAGES, ids=[name for name, _ in PUBLIC_PAGES])
def test_public_page_has_no_serious_axe_violations(anonymous_context, site, name, target):
    page = anonymous_context.new_page()
    visit(page, site, target)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert blocking_violations(page) == []


@pytest.mark.parametrize(("name", "target"), STAFF_PAGES, ids=[name for name, _ in STAFF_PAGES])
def test_staff_page_has_no_serious_axe_violations(staff_context, site, name, target):
    page = staff_context.new_page()
    visit(page, site, target)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert blocking_violations(page) == []


@pytest.mark.parametrize(("name", "target"), PUBLIC_PAGES, ids=[name for name, _ in PUBLIC_PAGES])
def test_public_page_reflows_at_320_css_pixels_and_still_passes_axe(browser, server, site, name, target):
    context = new_context(browser, server, viewport=NARROW)
    try:
        page = context.new_page()
        visit(page, site, target)
        assert overflowing(page) == []
        assert page.evaluate("document.scrollingElement.scrollWidth") <= NARROW["width"] + 1
        assert blocking_violations(page) == []
    finally:
        context.close()


def test_axe_reports_what_it_finds(anonymous_context, site):
    """The check itself works: an input without a label added to a clean page is reported."""
    page = anonymous_context.new_page()
    visit(page, site, "/")
    assert blocking_violations(page) == []
    page.evaluate(
        "() => { const input = document.createElement('input'); input.id = 'zonder-label';"
        " document.querySelector('main').append(input); }"
    )
    assert blocking_violations(page) == [{"id": "label", "targets": ["#zonder-label"]}]


# ---- Keyboard only ----


def focused(page) -> dict:
    """What has the keyboard focus: its id, tag, name, type and how its focus is drawn."""
    return page.evaluate(
        """() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return {
            id: element.id, tag: element.tagName.toLowerCase(), name: element.getAttribute('name') || '',
            type: element.getAttribute('type') || '', value: element.value ?? '',
            text: element.textContent.trim(),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
            shadow: style.boxShadow !== 'none',
          };
        }"""
    )


def tab_to(page, predicate, limit: int = 80, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `predicate`; every element
    passed on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        assert now["outline"] or now["shadow"], f"focus not visible on {now}"
        if predicate(now):
            return now
    raise AssertionError("never reached the element with the keyboard")


def form_submit(element: dict) -> bool:
    """The page form's submit button (the header's language switch is a submit button too)."""
    return element["tag"] == "button" and element["type"] == "submit" and element["name"] != "language"


def by_name(name: str):
    return lambda element: element["name"] == name


def focus_sweep(page, stops: int = 40) -> list[str]:
    """Tab through the page's first `stops` focusable elements; the ones that do not show their
    focus (no outline, no box shadow), as tag#id[name]."""
    hidden = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "body":
            break
        if not (now["outline"] or now["shadow"]):
            hidden.append(f"{now['tag']}#{now['id']}[{now['name']}]")
    return hidden


FOCUS_PUBLIC = ["/", "/aanmelden/", "/privacy/", "/netwerk/", "/netwerk/?kiosk=1"]
FOCUS_STAFF = [("scanner", scanner), ("dashboard", "/dashboard/"), ("devices", "/dashboard/apparaten/")]


@pytest.mark.parametrize("path", FOCUS_PUBLIC)
def test_focus_is_visible_on_every_stop_of_a_public_page(anonymous_context, site, path):
    page = anonymous_context.new_page()
    visit(page, site, path)
    assert focus_sweep(page) == []


@pytest.mark.parametrize(("name", "target"), FOCUS_STAFF, ids=[name for name, _ in FOCUS_STAFF])
def test_focus_is_visible_on_every_stop_of_a_staff_page(staff_context, site, name, target):
    page = staff_context.new_page()
    visit(page, site, target)
    assert focus_sweep(page) == []


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_the_main_content(anonymous_context, site):
    page = anonymous_context.new_page()
    page.goto("/aanmelden/")
    page.keyboard.press("Tab")
    link = focused(page)
    assert (link["tag"], link["text"]) == ("a", "Direct naar de inhoud")
    assert link["outline"] or link["shadow"]
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhoud"
    # The next Tab continues in the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('inhoud').contains(document.activeElement)")


def test_registration_with_the_keyboard_alone(anonymous_context, site):
    page = anonymous_context.new_page()
    page.goto("/aanmelden/")
    tab_to(page, by_name("first_name"))
    page.keyboard.type("Toetsen")
    page.keyboard.press("Tab")
    page.keyboard.type("Bord")
    page.keyboard.press("Tab")
    page.keyboard.type("toetsen.bord@amersfoort.example")
    tab_to(page, by_name("role"))
    page.keyboard.type("Raadslid")  # a select: typing its label picks the option
    tab_to(page, by_name("municipality"))
    page.keyboard.type("Amersfoort")
    # Round 1: the radio group has "no workshop" checked; ArrowDown picks the next workshop.
    first_round = f"round-{site['programme']['rounds']['first'].pk}"
    tab_to(page, by_name(first_round))
    page.keyboard.press("ArrowDown")  # from "no workshop" to the round's first workshop
    chosen = focused(page)["value"]
    assert chosen in {str(site["programme"]["raad"].pk), str(site["programme"]["small"].pk)}
    tab_to(page, by_name("privacy"))
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    tab_to(page, form_submit)
    page.keyboard.press("Enter")

    page.wait_for_url("**/r/*/?welkom=1")
    registration = Registration.objects.get(email="toetsen.bord@amersfoort.example")
    assert (registration.first_name, registration.last_name, registration.municipality.code) == (
        "Toetsen",
        "Bord",
        "GM0307",
    )
    assert [str(booking.workshop_id) for booking in registration.bookings.all()] == [chosen]
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn aanmelding")
    expect(page.get_by_role("status").filter(has_text="U bent aangemeld.")).to_be_visible()


def test_network_signup_with_the_keyboard_alone(anonymous_context, site):
    page = anonymous_context.new_page()
    page.goto("/netwerk/")
    tab_to(page, by_name("municipality"))
    page.keyboard.type("Amersfoort (GM0307)")
    tab_to(page, by_name("contact_name"))
    page.keyboard.type("Karin de Griffier")
    page.keyboard.press("Tab")
    page.keyboard.type("griffier")
    page.keyboard.press("Tab")
    page.keyboard.type("griffie@amersfoort.example")
    offer = tab_to(page, by_name("offers"))
    assert offer["value"] == "netwerk-digitale-democratie"
    page.keyboard.press("Tab")  # checkboxes are separate stops: to Quick Scan
    assert focused(page)["value"] == "quick-scan"
    page.keyboard.press("Space")
    tab_to(page, by_name("consent"))
    page.keyboard.press("Space")
    # Back up one field with Shift+Tab and forward again: the form keeps what was typed.
    tab_to(page, lambda element: element["value"] == "raadsondersteuning", backwards=True)
    tab_to(page, form_submit)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Dank u wel: Amersfoort is aangemeld")).to_be_visible()
    assert list(Signup.objects.filter(municipality__code="GM0307").values_list("offer__slug", flat=True)) == [
        "quick-scan"
    ]


def test_empty_registration_shows_an_error_summary_linked_to_the_fields(anonymous_context, site):
    page = anonymous_context.new_page()
    page.goto("/aanmelden/")
    tab_to(page, form_submit)
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert"
    assert focused(page)["id"] == "fouten"  # focus moved to the summary
    # The summary comes before every field of the form.
    assert page.evaluate(
        "document.querySelector('.error-summary').compareDocumentPosition(document.getElementById('id_first_name')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    hrefs = summary.locator("a").evaluate_all("(links) => links.map((link) => link.getAttribute('href'))")
    assert "#id_email" in hrefs
    for href in hrefs:
        target = page.locator(href)
        expect(target).to_have_count(1)
    email = page.locator("#id_email")
    assert email.get_attribute("aria-invalid") == "true"
    described_by = email.get_attribute("aria-describedby").split()
    assert "id_email_error" in described_by
    expect(page.locator("#id_email_error")).to_have_text("Dit veld is verplicht.")

    # Following a link of the summary with the keyboard puts the focus in that field.
    page.keyboard.press("Tab")
    tab_to(page, lambda element: element["tag"] == "a" and "E-mailadres" in element["text"])
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_email"


def test_empty_network_signup_shows_an_error_summary_linked_to_the_fields(anonymous_context, site):
    page = anonymous_context.new_page()
    page.goto("/netwerk/")
    page.keyboard.press("Tab")
    tab_to(page, form_submit)
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert focused(page)["id"] == "fouten"
    hrefs = summary.locator("a").evaluate_all("(links) => links.map((link) => link.getAttribute('href'))")
    assert "#id_contact_email" in hrefs
    for href in hrefs:
        expect(page.locator(href)).to_have_count(1)
    assert page.locator("#id_contact_email").get_attribute("aria-invalid") == "true"
