"""A registration desk's browser paired as a device, in a real Chromium against daphne with the
rate limits on: the pairing page fits a phone, the button sets an HttpOnly cookie, and that
browser then registers past the limit per address while an unpaired one at the same address
is held to it (issue 12 §1)."""

import json

import pytest
from playwright.sync_api import expect

from checkin.models import Device
from checkin.services import create_device, new_pairing_code
from tests.e2e.browser import new_context
from tests.factories import registration_payload
from tests.live import daphne

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def limited_server(transactional_db):
    with daphne(env={"RATE_LIMITS_ENABLED": "1", "RATE_LIMIT_REGISTRATION": "1/300"}) as url:
        yield url


def register(page, n: int) -> int:
    response = page.request.post(
        "/api/v1/registrations",
        data=json.dumps(registration_payload(n)),
        headers={"Content-Type": "application/json"},
    )
    return response.status


def test_a_paired_desk_registers_past_the_limit_and_an_unpaired_browser_does_not(
    browser, limited_server, event, municipalities
):
    desk, _token = create_device(event=event, name="Balie hal", kind=Device.Kind.DESK)
    _pairing, code = new_pairing_code(desk)
    context = new_context(browser, limited_server)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/scan/koppel/{code}/")

    expect(page.get_by_role("heading", name="Deze browser koppelen")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Deze browser koppelen").click()
    expect(page.locator("#pair-status")).to_contain_text("Balie hal")
    cookie = next(cookie for cookie in context.cookies() if cookie["name"] == "dld_device")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
    assert page.evaluate("document.cookie").find("dld_device") == -1  # scripts cannot read it

    assert [register(page, n) for n in range(1, 4)] == [201] * 3
    visitor = new_context(browser, limited_server).new_page()
    assert [register(visitor, n) for n in range(4, 6)] == [201, 429]
    context.close()
