"""Devices made in bulk in a real Chromium: the organiser's sheet of pairing codes printed to A4 PDF
and its codes read back; a steward's phone (390 × 844) typing one of them is paired as the QR
pairs it, without sideways scrolling (issue 15, "Doors per room")."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from checkin.models import Device, PairingCode
from checkin.services import authenticate_device
from events.models import secret_hash
from tests.e2e.browser import blocking_violations, new_context, overflowing

PHONE = {"width": 390, "height": 844}
MM = 72 / 25.4  # PDF points per millimetre
SHORT = re.compile(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}")


def test_the_sheet_prints_on_a4_with_every_device_and_its_typed_code(staff_context, browser, server, event):
    page = staff_context.new_page()
    page.goto("/dashboard/apparaten/")
    page.locator("#id_bulk-kind").select_option("scanner")
    page.locator("#id_bulk-prefix").fill("Deur")
    page.locator("#id_bulk-count").fill("8")
    page.get_by_role("button", name="Apparaten maken en het vel tonen").click()
    expect(page.get_by_role("heading", name="Koppelcodes")).to_be_visible()
    assert blocking_violations(page) == []

    page.emulate_media(media="print")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    page.emulate_media(media="screen")

    assert len(reader.pages) == 2  # 6 cards on an A4 page
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)
    text = "".join("".join(sheet.extract_text().split()) for sheet in reader.pages)
    assert "Koppelcodes" not in text  # the page's heading and buttons do not print
    codes = SHORT.findall(text)
    assert len(codes) == len(set(codes)) == 8
    devices = list(Device.objects.filter(event=event).order_by("pk"))
    assert [device.name for device in devices] == [f"Deur {number}" for number in range(1, 9)]
    for device in devices:
        assert device.name.replace(" ", "") in text
    stored = set(PairingCode.objects.filter(device__in=devices).values_list("short_hash", flat=True))
    assert {secret_hash(code.replace("-", "")) for code in codes} == stored

    # A steward's phone types the fifth device's code, in lower case as a phone keyboard has it.
    fifth = next(
        code
        for code in codes
        if PairingCode.objects.filter(
            device=devices[4], short_hash=secret_hash(code.replace("-", ""))
        ).exists()
    )
    phone = new_context(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    steward = phone.new_page()
    steward.goto("/scan/koppel/")
    expect(steward.get_by_role("heading", name="Koppelcode typen")).to_be_visible()
    assert steward.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(steward, PHONE["width"]) == []
    assert blocking_violations(steward) == []
    steward.get_by_label("Koppelcode").fill(fifth.lower())
    steward.get_by_role("button", name="Koppelen").click()
    steward.wait_for_url("**/scan/")
    token = steward.evaluate("JSON.parse(localStorage.getItem('dld.scanner.token'))")
    assert authenticate_device(token) == devices[4]
    phone.close()


def test_a_wrong_typed_code_says_so_on_a_phone(browser, server, event):
    phone = new_context(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto("/scan/koppel/")
    page.get_by_label("Koppelcode").fill("ABCD-EFGH")
    page.get_by_role("button", name="Koppelen").click()

    expect(page.locator(".field-error")).to_contain_text("Deze koppelcode bestaat niet.")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert overflowing(page, PHONE["width"]) == []
    phone.close()
