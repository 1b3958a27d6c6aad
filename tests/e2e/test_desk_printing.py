"""The registration desk in a real Chromium on a phone-sized screen (390 × 844): a paired desk
browser scans a badge, the person is checked in and their badge prints at once; the printed
layout (the chosen label's @page size) is rendered to PDF and its text read back; a reprint
and a lost badge's new one print again (issue 15, "Badges printed on arrival")."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from checkin.models import BadgePrint, CheckIn, Device
from checkin.services import create_device, new_pairing_code
from tests.e2e.browser import blocking_violations, new_context, overflowing
from tests.factories import create_programme, register_attendee

PHONE = {"width": 390, "height": 844}
MM = 72 / 25.4  # PDF points per millimetre

# window.print() is counted instead of opening a dialog: what a desk's Chromium started with
# --kiosk-printing does without asking.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture
def desk_page(browser, server, event):
    desk, _token = create_device(event=event, name="Balie hal", kind=Device.Kind.DESK)
    _pairing, code = new_pairing_code(desk)
    context = new_context(browser, server, viewport=PHONE)
    context.add_init_script(COUNT_PRINTS)
    page = context.new_page()
    page.goto(f"/scan/koppel/{code}/")
    page.get_by_role("button", name="Deze browser koppelen").click()
    expect(page.locator("#pair-status")).to_contain_text("Balie hal")
    page.get_by_role("link", name="Naar de registratiebalie").click()
    expect(page.get_by_role("heading", name="Registratiebalie")).to_be_visible()
    yield page
    context.close()


def pdf_of(page) -> PdfReader:
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")
    return reader


def test_scan_checks_in_and_prints_the_badge_on_the_chosen_label(desk_page, event):
    programme = create_programme(event)
    person = register_attendee(event, 1, programme["raad"], programme["digital"], first_name="Anouk")
    page = desk_page

    page.goto("/balie/")
    expect(page.get_by_role("heading", name="Registratiebalie")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(page, PHONE["width"]) == []
    page.get_by_label("Etiket").select_option("card")
    code = page.get_by_label("Scan de badge of typ de referentie")
    expect(code).to_be_focused()
    code.fill(f"DLD1:{person.badge_secret}")
    code.press("Enter")  # a hand scanner types the code and Enter

    expect(page.locator("#desk-answer")).to_contain_text("Anouk 1 – ingecheckt, de badge wordt afgedrukt.")
    assert page.evaluate("window.__prints") == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(page) == []
    assert CheckIn.objects.filter(registration=person, workshop=None).count() == 1

    reader = pdf_of(page)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (54, 86)
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in (
        "Anouk 1",
        "Raadslid",
        "Amersfoort",
        "Eerste workshop: 11:00 Sterke Raad, Zaal A",
        person.reference,
    ):
        assert expected in text
    assert "Registratiebalie" not in text  # the desk's form is not on the label

    # The same badge again: already in and printed, so nothing prints by itself; a reprint does.
    code = page.get_by_label("Scan de badge of typ de referentie")
    code.fill(person.reference)
    code.press("Enter")
    expect(page.locator("#desk-answer")).to_contain_text("al ingecheckt; de badge is om")
    assert page.evaluate("window.__prints") == 0
    page.get_by_role("button", name="Opnieuw afdrukken").click()
    expect(page.locator("#desk-answer")).to_contain_text("badge opnieuw afgedrukt.")
    assert page.evaluate("window.__prints") == 1

    page.get_by_role("button", name="Badge kwijt: nieuwe badge").click()
    expect(page.locator("#desk-answer")).to_contain_text("nieuwe badge afgedrukt; de oude telt niet meer.")
    old_secret = person.badge_secret
    person.refresh_from_db()
    assert person.badge_secret != old_secret
    assert list(
        BadgePrint.objects.filter(registration=person).order_by("pk").values_list("reprint", "layout")
    ) == [
        (False, "card"),
        (True, "card"),
        (True, "card"),
    ]

    # The old badge at the desk: red, replaced, with the time; nothing prints.
    code = page.get_by_label("Scan de badge of typ de referentie")
    code.fill(f"DLD1:{old_secret}")
    code.press("Enter")
    expect(page.locator(".notice.refused")).to_contain_text("Badge vervangen door een nieuwe")
    assert page.evaluate("window.__prints") == 0


def test_the_62_mm_label_is_62_mm_wide(desk_page, event):
    person = register_attendee(event, 2, first_name="Bram")
    page = desk_page
    page.set_viewport_size({"width": 1366, "height": 900})  # a laptop at the desk
    page.goto("/balie/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("Etiket").select_option("62mm")
    code = page.get_by_label("Scan de badge of typ de referentie")
    code.fill(person.badge_secret)
    code.press("Enter")
    expect(page.locator("#desk-answer")).to_contain_text("Bram 2")

    reader = pdf_of(page)
    box = reader.pages[0].mediabox
    assert (len(reader.pages), round(float(box.width) / MM), round(float(box.height) / MM)) == (1, 62, 100)
    assert "Bram 2" in reader.pages[0].extract_text()


def test_a_walk_in_is_registered_checked_in_and_printed_from_the_keyboard(desk_page, event):
    page = desk_page
    page.goto("/balie/")
    page.get_by_text("Niet aangemeld: inloop").click()
    page.get_by_label("Voornaam").fill("Sanne")
    page.keyboard.press("Tab")
    page.keyboard.type("Inloop")
    page.keyboard.press("Tab")
    page.keyboard.type("sanne@inloop.example")
    page.get_by_label("Uw functie").select_option("raadslid")
    page.locator("#walk-in-municipality").select_option("GM0307")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Aanmelden, inchecken en afdrukken").click()

    expect(page.locator("#desk-answer")).to_contain_text(
        "Sanne Inloop – aangemeld, ingecheckt, de badge wordt afgedrukt."
    )
    assert page.evaluate("window.__prints") == 1
    text = pdf_of(page).pages[0].extract_text()
    assert ("Sanne Inloop" in text, "Amersfoort" in text) == (True, True)
    registration = event.registrations.get(email="sanne@inloop.example")
    assert CheckIn.objects.filter(registration=registration, workshop=None).count() == 1
