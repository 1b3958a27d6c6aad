"""Helpers of the scanner's browser tests: phones (browser contexts), pairing, badges on video.
Their fixtures are in tests/e2e/scanner_fixtures.py."""

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from checkin.services import create_device, new_pairing_code
from events import badges, services

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium"
)


def launch(playwright, *extra_args: str):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=[*CHROMIUM_ARGS, *extra_args]
    )


def new_phone(browser, server: str):
    """A browser context as a phone would have it: Dutch, Amsterdam time, camera allowed."""
    context = browser.new_context(
        base_url=server,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 360, "height": 740},
        permissions=["camera"],
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


def pair_phone(context, event, name: str):
    """Pair the context's 'phone' the way a volunteer does: open the pairing QR's link."""
    device, _unused = create_device(event=event, name=name)
    _pairing, code = new_pairing_code(device)
    page = context.new_page()
    page.goto(f"/scan/koppel/{code}/")
    page.wait_for_url("**/scan/")
    expect(page.locator("#who")).to_have_text(name)
    return device, page


def attendee(event, municipalities, n: int, **fields):
    registration, _token = services.register(
        event=event,
        first_name=fields.pop("first_name", "Wim"),
        last_name=fields.pop("last_name", f"Willems {n}"),
        email=f"wim.{n}@e2e.example",
        role=fields.pop("role", "griffier"),
        municipality=municipalities["GM0307"],
        **fields,
    )
    return registration


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
