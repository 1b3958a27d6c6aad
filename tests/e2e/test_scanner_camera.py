"""The real camera path: Chromium's fake camera plays a video of a badge; the phone, paired by its
pairing link, reads the QR with the vendored BarcodeDetector polyfill and shows green."""

from playwright.sync_api import expect

from checkin.models import CheckIn, Scan
from tests.e2e.browser import launch
from tests.e2e.scanner_support import badge_video, new_phone, pair_phone
from tests.factories import badge_holder


def test_a_badge_held_to_the_camera_checks_in(playwright, live_server_url, event, municipalities, tmp_path):
    person = badge_holder(event, municipalities, 1, first_name="Camera", last_name="Proef")
    video = badge_video(tmp_path, person)
    browser = launch(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        phone = new_phone(browser, live_server_url)
        device, page = pair_phone(phone, event, "Ingang noord")

        page.get_by_role("button", name="Camera starten").click()

        answer = page.locator("#answer")
        expect(answer).to_have_attribute("data-tone", "ok")
        expect(answer).to_contain_text("Welkom")
        expect(answer).to_contain_text("Camera Proef")
        expect(answer).to_contain_text("Griffier · Amersfoort")
        expect(page.get_by_role("button", name="Camera stoppen")).to_be_visible()
        # The badge stays in view: it is not scanned again and again.
        page.wait_for_timeout(1500)
        assert Scan.objects.filter(registration=person).count() == 1
        checkin = CheckIn.objects.get(registration=person)
        assert (checkin.device, checkin.workshop) == (device, None)
        phone.close()
    finally:
        browser.close()
