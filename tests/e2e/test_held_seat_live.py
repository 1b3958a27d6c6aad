"""A code holder's form in Chromium, its seat counts live: opened with `?code=`, a workshop where
the code holds a seat shows the public's count while there is one, and when the public fills the
rest it says the seat is held for them (not "full"); on a phone nothing scrolls sideways."""

from playwright.sync_api import expect

from events import services
from tests.e2e.browser import new_context, no_sideways_scroll, open_live
from tests.factories import registration_payload

CODE = "PERS-2026"


def test_the_held_seat_stays_bookable_for_the_code_holder_as_the_public_fills_the_rest(
    event, programme, municipalities, server, browser
):
    small = programme["small"]  # two seats: one held back for the code, one for the public
    services.make_invitation_code(
        event=event, code=CODE, uses_allowed=5, holds=[services.HoldRequest(workshop=small.pk, seats=1)]
    )
    context = new_context(browser, server, viewport={"width": 390, "height": 844})
    try:
        holder = context.new_page()
        open_live(holder, f"/aanmelden/?code={CODE}", "/ws/programme/")
        seats = holder.locator(f'label.choice[data-workshop="{small.pk}"] [data-seats]')
        expect(seats).to_have_text("nog 1 plek")
        expect(holder.locator("#id_code")).to_have_value(CODE)

        # Someone without the code takes the public's last seat, through the API.
        response = context.request.post(
            f"{server}/api/v1/registrations",
            data=registration_payload(n=2, workshops=[small.pk]),
            headers={"Content-Type": "application/json"},
        )
        assert response.status == 201, response.text()

        expect(seats).to_have_text("Plaats voor u vrijgehouden")
        expect(seats).to_have_class("seats free")
        assert no_sideways_scroll(holder)
    finally:
        context.close()
