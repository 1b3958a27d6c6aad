"""The Foundation flow in Chromium: register, get a badge, appear live on the dashboard, check in."""

import email
import email.policy
import re
from io import BytesIO

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from events.models import Registration

NAME = "Anna de Vries"
ADDRESS = "anna.devries@amersfoort.example"


def read_mail(path) -> email.message.EmailMessage:
    """One message written by Django's file-based backend (the message, then a line of dashes)."""
    raw = path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")[0]
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_registration_appears_live_and_the_badge_checks_in(
    programme, staff_context, anonymous_context, mail_dir
):
    # The organiser watches the dashboard; it must update without a reload.
    dashboard = staff_context.new_page()
    dashboard.goto("/dashboard/")
    expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "online")
    expect(dashboard.locator("#registered")).to_have_text("0")
    expect(dashboard.locator("#checked-in")).to_have_text("0")
    dashboard.evaluate("window.notReloaded = true")

    # An attendee registers with the keyboard-accessible form.
    page = anonymous_context.new_page()
    page.goto("/aanmelden/")
    page.get_by_label("Voornaam").fill("Anna")
    page.get_by_label("Achternaam").fill("de Vries")
    page.get_by_label("E-mailadres").fill(ADDRESS)
    page.get_by_label("Uw functie").select_option("raadslid")
    # Anchored: workshop labels such as "… Krachtige gemeenteraad" contain "gemeente" too.
    page.get_by_label(re.compile(r"^Gemeente")).select_option("GM0307")
    page.get_by_role("group", name=re.compile(r"^Ronde 1")).get_by_label(programme["raad"].title).check()
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    page.get_by_role("button", name="Aanmelden").click()

    expect(page).to_have_url(re.compile(r"/r/[\w-]+/\?welkom=1$"))
    expect(page.get_by_text("U bent aangemeld.")).to_be_visible()
    token = re.search(r"/r/([\w-]+)/", page.url).group(1)
    reference = re.search(r"DLD-[A-Z0-9]+", page.locator(".summary-list").first.inner_text()).group(0)
    expect(page.locator(".my-day-item", has_text=programme["raad"].title)).to_contain_text("U hebt een plek")

    # The badge: a printable page with the QR as SVG, and a PNG that decodes to the payload.
    page.get_by_role("link", name="Badge afdrukken").click()
    expect(page).to_have_url(re.compile(rf"/r/{token}/badge/$"))
    expect(page.locator(".badge-name")).to_have_text(NAME)
    expect(page.locator(".badge-card svg")).to_be_visible()

    badge_token = Registration.objects.get(reference=reference).badge_token
    png = anonymous_context.request.get(f"/badge/{badge_token}.png")
    assert png.ok
    assert png.headers["content-type"] == "image/png"
    codes = zxingcpp.read_barcodes(Image.open(BytesIO(png.body())))
    assert len(codes) == 1
    qr_text = codes[0].text
    assert qr_text.startswith("DLD1:")

    # The confirmation e-mail went out, with the reference shown on the manage page.
    messages = sorted(mail_dir.glob("*.log"))
    assert len(messages) == 1
    confirmation = read_mail(messages[0])
    assert confirmation["To"] == ADDRESS
    assert reference in confirmation["Subject"]
    assert reference in confirmation.get_body(preferencelist=("plain",)).get_content()

    # Without a reload, the dashboard counts the new registration.
    expect(dashboard.locator("#registered")).to_have_text("1")
    expect(dashboard.locator("#checked-in")).to_have_text("0")

    # A door steward types (or hand-scans) the code into the scanner page.
    scanner = staff_context.new_page()
    scanner.goto("/scan/")
    code = scanner.get_by_label("Badgecode")
    code.press_sequentially(qr_text)
    code.press("Enter")
    answer = scanner.locator("#answer")
    expect(answer).to_contain_text("Welkom")
    expect(answer).to_contain_text(NAME)
    expect(code).to_be_empty()

    # The dashboard, still the same page, shows the arrival.
    expect(dashboard.locator("#checked-in")).to_have_text("1")
    expect(dashboard.locator("#not-arrived")).to_have_text("0")
    expect(dashboard.locator("#recent-scans tr").first).to_contain_text(NAME)
    assert dashboard.evaluate("window.notReloaded") is True
