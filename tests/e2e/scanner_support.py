"""Helpers of the scanner's browser tests: phones (browser contexts), pairing, badges on video
(the badge holders are built by tests/factories.py).
Chromium and its fixtures: tests/e2e/browser.py and tests/e2e/conftest.py."""

from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from checkin.services import create_device, new_pairing_code
from events import badges
from tests.clock import days_ahead, today
from tests.e2e.browser import new_context


def new_phone(browser, server: str):
    """A browser context as a phone would have it: Dutch, Amsterdam time, camera allowed."""
    context = new_context(browser, server, viewport={"width": 360, "height": 740}, permissions=["camera"])
    if days_ahead():
        # The phone's clock as the server's (a year ahead in CI's moved-clock run): queued scans
        # carry the phone's time, and the server takes only times on the event's day.
        context.clock.set_system_time(datetime.now(UTC))
    return context


def on_the_day(event) -> None:
    """Put the event on today's date: a phone's queued scans are dated now, and the server takes
    only times on the event's day (checkin.services.redeem.scan_window)."""
    event.date = today()
    event.save(update_fields=["date"])


def pair_phone(context, event, name: str):
    """Pair the context's 'phone' the way a volunteer does: open the pairing QR's link."""
    device, _unused = create_device(event=event, name=name)
    _pairing, code = new_pairing_code(device)
    page = context.new_page()
    page.goto(f"/scan/koppel/{code}/")
    page.wait_for_url("**/scan/")
    expect(page.locator("#who")).to_have_text(name)
    return device, page


def type_code(page, code: str) -> None:
    field = page.get_by_label("Badgecode of referentie")
    field.fill(code)
    field.press("Enter")


def write_y4m(path: Path, png: bytes, width: int = 640, height: int = 480, frames: int = 30) -> Path:
    """A YUV4MPEG2 (4:2:0) video of the QR centred on white, for Chromium's fake camera."""
    qr = Image.open(BytesIO(png)).convert("L")
    side = min(qr.width, height - 40)
    qr = qr.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr, ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    with path.open("wb") as file:
        file.write(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420\n".encode())
        for _ in range(frames):
            file.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def badge_video(tmp_path: Path, registration) -> Path:
    return write_y4m(tmp_path / "badge.y4m", badges.qr_png(registration.badge_secret))
