"""The organisers' desk in a real Chromium, by keyboard alone (issue 14): on a laptop (1366 × 900)
an organiser registers someone who phones in and prints their badge, and fixes a misspelt name
after a slip the page points out; on a phone (390 × 844) the desk with a person found and their
delegation opened, and the phone-in form, scroll nowhere sideways."""

import pytest
from playwright.sync_api import expect

from checkin.models import BadgePrint, CheckIn, Scan
from events.models import Registration
from tests.e2e.browser import blocking_violations, log_in, new_context, overflowing
from tests.factories import amersfoort_delegation, create_programme, delegation_member, register_attendee

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# window.print() is counted instead of opening a dialog (a desk's Chromium with --kiosk-printing).
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture
def organiser(browser, server, staff_user):
    """An organiser's page: `organiser(viewport)`."""
    contexts = []

    def open_page(viewport: dict):
        context = new_context(browser, server, viewport=viewport)
        context.add_init_script(COUNT_PRINTS)
        log_in(context, server, staff_user)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_a_phone_in_by_keyboard_alone_is_registered_and_its_badge_printed(organiser, event):
    programme = create_programme(event)
    page = organiser(LAPTOP)
    page.goto("/balie/")
    expect(page.locator("#desk-code")).to_be_focused()

    page.keyboard.press("Alt+t")  # the page's shortcut to the phone-in form
    expect(page.get_by_role("heading", name="Telefonische aanmelding")).to_be_visible()
    expect(page.get_by_label("Voornaam")).to_be_focused()
    page.keyboard.type("Joost")
    for text in ("Hoekstra", "joost@leeuwarden.example", "Leeuw"):  # the municipality by its first letters
        page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Tab")  # the organisation: not needed with a municipality
    page.keyboard.press("Tab")
    page.keyboard.type("Wet")
    page.keyboard.press("Tab")  # the first round's choices, "no workshop" chosen
    page.keyboard.press("ArrowDown")  # its first workshop: Klein Gezelschap
    page.keyboard.press("Tab")  # the second round's
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Telefonisch aangemeld")).to_be_visible()
    registration = Registration.objects.get(email="joost@leeuwarden.example")
    expect(page.locator("#phoned-in")).to_contain_text(
        f"Joost Hoekstra – aangemeld met referentie {registration.reference}"
    )
    assert (registration.municipality_id, registration.role) == ("GM0080", "wethouder")
    assert sorted(registration.bookings.values_list("workshop_id", "status")) == sorted(
        [(programme["small"].pk, "booked"), (programme["digital"].pk, "booked")]
    )
    expect(page.get_by_role("button", name="Badge afdrukken")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#desk-answer")).to_contain_text("Joost Hoekstra – badge opnieuw afgedrukt.")
    assert page.evaluate("window.__prints") == 1
    assert BadgePrint.objects.filter(registration=registration).count() == 1
    assert (CheckIn.objects.count(), Scan.objects.count()) == (0, 0)


def test_a_name_is_fixed_by_keyboard_alone_after_the_page_points_at_the_slip(organiser, event):
    person = register_attendee(event, 1, first_name="Gretje", last_name="de Bor")
    page = organiser(LAPTOP)
    page.goto("/balie/")

    page.keyboard.press("Alt+z")
    expect(page.locator("#desk-q")).to_be_focused()
    page.keyboard.type("gretje")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-found")).to_have_text("1 aanmelding gevonden")
    expect(page.locator("#desk-q")).to_be_focused()
    for _ in range(3):  # past the search button and the phone-in link
        page.keyboard.press("Tab")
    expect(page.get_by_text("Naam of rol corrigeren")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"fix-{person.pk}-first_name"
    page.keyboard.press("Control+a")
    page.keyboard.type("Greetje")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")  # a slip: the surname gone
    page.keyboard.press("Enter")

    last_name = page.locator(f"#fix-{person.pk}-last_name")
    expect(last_name).to_be_focused()
    expect(last_name).to_have_attribute("aria-describedby", f"fix-{person.pk}-last_name_error")
    expect(page.locator(f"#fix-{person.pk}-last_name_error")).to_have_text("Dit veld is verplicht.")
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Gretje", "de Bor")
    page.keyboard.type("de Boer")
    page.keyboard.press("Enter")

    expect(page.locator("#desk-done")).to_have_text(
        "De correctie is opgeslagen; de badge toont die bij de volgende afdruk."
    )
    expect(page.locator(".desk-person h4")).to_contain_text("Greetje de Boer")
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Greetje", "de Boer")


def test_the_desk_and_the_phone_in_fit_a_phone(organiser, event, tmp_path):
    programme = create_programme(event)
    delegation, _token, members = amersfoort_delegation(
        event,
        delegation_member("Raad", "Lid", programme["raad"], programme["digital"]),
        last_name="Griffier-Van-Heemskerck-Duinkerken",
        role="gemeentesecretaris",
    )
    member = members[1][0]
    page = organiser(PHONE)

    page.goto(f"/balie/?q={member.reference}")
    page.get_by_text("Delegatie bekijken").click()
    page.get_by_text("Naam of rol corrigeren").click()
    expect(page.locator(".desk-members li")).to_have_count(2)
    expect(page.locator(".desk-delegation")).to_contain_text(
        f"Delegatie {delegation.reference} van Amersfoort"
    )
    page.screenshot(path=tmp_path / "desk-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(page, PHONE["width"]) == []
    assert blocking_violations(page) == []

    page.goto("/balie/telefonisch/")
    page.get_by_role("button", name="Aanmelden").click()  # empty: every error shown
    expect(page.get_by_label("Voornaam")).to_be_focused()
    page.screenshot(path=tmp_path / "phone-in-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(page, PHONE["width"]) == []
    assert blocking_violations(page) == []
