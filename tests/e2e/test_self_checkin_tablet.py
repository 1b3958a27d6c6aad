"""The self check-in tablet in a real Chromium at tablet size (1024 × 768 and 768 × 1024): the
attendee types their reference and last name, is checked in, sees their first workshop and room,
the badge prints at once on the desk's label layout (rendered to PDF and read back), and the
screen goes back to the start by itself; a QR held up to the front camera does the same (issue
15, "Self check-in kiosk")."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from checkin.models import BadgePrint, CheckIn, Device
from checkin.services import create_device, new_pairing_code
from tests.e2e.browser import blocking_violations, launch, new_context, overflowing
from tests.e2e.scanner_support import badge_video
from tests.factories import create_programme, register_attendee

LANDSCAPE = {"width": 1024, "height": 768}
PORTRAIT = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
MM = 72 / 25.4  # PDF points per millimetre

# window.print() is counted instead of opening a dialog: what a Chromium started with
# --kiosk-printing does without asking.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def pair_tablet(context, event, layout: str = "card"):
    """Pair the context's browser as a self check-in tablet, the way an organiser sets it up, and
    open its start screen with the label of its printer."""
    tablet, _token = create_device(event=event, name="Zuil ingang", kind=Device.Kind.SELF)
    _pairing, code = new_pairing_code(tablet)
    context.add_init_script(COUNT_PRINTS)
    page = context.new_page()
    page.goto(f"/scan/koppel/{code}/")
    page.get_by_role("button", name="Deze browser koppelen").click()
    expect(page.locator("#pair-status")).to_contain_text("Zuil ingang")
    expect(page.get_by_role("link", name="Naar zelf inchecken")).to_have_attribute("href", "/zelf/")
    page.goto(f"/zelf/?layout={layout}")
    return tablet, page


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(page, width) == []


@pytest.fixture
def tablet_context(browser, server):
    context = new_context(browser, server, viewport=LANDSCAPE, has_touch=True)
    yield context
    context.close()


def test_a_typed_reference_checks_in_prints_and_the_screen_resets(tablet_context, event):
    programme = create_programme(event)
    person = register_attendee(
        event, 1, programme["raad"], programme["digital"], first_name="Anouk", last_name="de Vries"
    )
    tablet, page = pair_tablet(tablet_context, event)
    expect(page.get_by_role("heading", name="Welkom! Check hier in")).to_be_visible()
    fits(page, LANDSCAPE["width"])
    assert blocking_violations(page) == []
    # Big targets for fingers.
    button = page.get_by_role("button", name="Inchecken").bounding_box()
    assert button["height"] >= 56

    page.get_by_label("Referentie (in uw bevestigingsmail)").fill(person.reference.lower())
    page.get_by_label("Achternaam").fill("de vries")
    page.get_by_role("button", name="Inchecken").click()

    answer = page.locator("#self-answer")
    expect(answer).to_contain_text("Welkom, Anouk!")
    expect(answer).to_contain_text("Uw eerste workshop: Sterke Raad, Zaal A, om 11:00")
    assert page.evaluate("window.__prints") == 1
    fits(page, LANDSCAPE["width"])
    assert blocking_violations(page) == []
    checkin = CheckIn.objects.get(registration=person, workshop=None)
    assert (checkin.device, BadgePrint.objects.get(registration=person).layout) == (tablet, "card")

    # What the printer gets: the desk's card label, the person's badge and nothing of the screen.
    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")
    box = reader.pages[0].mediabox
    assert (len(reader.pages), round(float(box.width) / MM), round(float(box.height) / MM)) == (1, 54, 86)
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Anouk de Vries", "Eerste workshop: 11:00 Sterke Raad, Zaal A", person.reference):
        assert expected in text
    assert "Welkom" not in text

    # Nobody touches it: back to an empty start screen, with the tablet's label kept.
    page.wait_for_url("**/zelf/?layout=card", timeout=15_000)
    expect(page.get_by_role("heading", name="Welkom! Check hier in")).to_be_visible()
    expect(page.get_by_label("Referentie (in uw bevestigingsmail)")).to_have_value("")

    # Portrait, in English, already in: a friendly answer, no second print by itself.
    page.set_viewport_size(PORTRAIT)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Welcome! Check in here")).to_be_visible()
    fits(page, PORTRAIT["width"])
    page.get_by_label("Reference (in your confirmation mail)").fill(person.reference)
    page.get_by_label("Last name").fill("De Vries")
    page.get_by_role("button", name="Check in").click()
    expect(answer).to_contain_text("You are already in, Anouk.")
    expect(answer).to_contain_text("Your first workshop: Sterke Raad, Zaal A, at 11:00")
    assert page.evaluate("window.__prints") == 0
    fits(page, PORTRAIT["width"])
    page.get_by_role("link", name="Done").click()
    # The next person finds the tablet in Dutch again.
    expect(page.get_by_role("heading", name="Welkom! Check hier in")).to_be_visible()


def test_a_wrong_name_shows_nothing_and_sends_to_the_desk(tablet_context, event):
    person = register_attendee(event, 2, first_name="Bram", last_name="Visser")
    _tablet, page = pair_tablet(tablet_context, event)

    page.get_by_label("Referentie (in uw bevestigingsmail)").fill(person.reference)
    page.get_by_label("Achternaam").fill("Jansen")
    page.get_by_role("button", name="Inchecken").click()

    answer = page.locator("#self-answer")
    expect(answer).to_contain_text("We kunnen u niet vinden.")
    expect(answer).to_contain_text("ga naar de balie")
    assert "Bram" not in page.content()
    assert (page.evaluate("window.__prints"), CheckIn.objects.count()) == (0, 0)
    # A phone-sized window (a small tablet, zoomed in) does not scroll sideways either.
    page.set_viewport_size(PHONE)
    fits(page, PHONE["width"])
    page.get_by_role("link", name="Klaar").click()
    expect(page.get_by_role("heading", name="Welkom! Check hier in")).to_be_visible()
    fits(page, PHONE["width"])


def test_a_qr_held_up_to_the_front_camera_checks_in(playwright, live_server_url, event, tmp_path):
    create_programme(event)
    person = register_attendee(event, 3, first_name="Camera", last_name="Proef")
    browser = launch(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={badge_video(tmp_path, person)}",
    )
    try:
        context = new_context(browser, live_server_url, viewport=PORTRAIT, permissions=["camera"])
        _tablet, page = pair_tablet(context, event, layout="62mm")

        expect(page.locator("#self-answer")).to_contain_text("Welkom, Camera!")
        assert page.evaluate("window.__prints") == 1
        assert CheckIn.objects.filter(registration=person).count() == 1
        context.close()
    finally:
        browser.close()
