"""A phone at a room's door: the session it checks follows the clock (the phone's, frozen here at
moments of the programme), the steward overrides it until that session ends, and someone booked
elsewhere is told where and let in anyway."""

from playwright.sync_api import expect

from checkin.models import CheckIn, Device
from tests.clock import at
from tests.e2e.scanner_support import new_phone, pair_phone, type_code
from tests.factories import badge_holder

NARROW = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_room_door_follows_the_clock_and_the_override(
    chromium, live_server_url, event, municipalities, programme
):
    room_a = programme["rooms"]["a"]
    raad, small, digital = programme["raad"], programme["small"], programme["digital"]
    guest = badge_holder(event, municipalities, 1, first_name="Greet", last_name="Gast", workshops=[small])
    phone = new_phone(chromium, live_server_url)
    # The phone's clock: ten to eleven on the day, round 1 (11:00) within the door's margin.
    phone.clock.install(time=at(10, 50))
    device, page = pair_phone(phone, event, "Deur Zaal A")
    page.set_viewport_size(NARROW)
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")
    label, now = page.locator("#door-label"), page.locator("#door-now")

    with page.expect_response(lambda response: response.request.method == "PATCH"):
        page.get_by_label("Waar scant u?").select_option(str(room_a.pk))
    expect(label).to_have_text("Sterke Raad (Zaal A)")
    expect(now).to_have_text("Controleert nu: Sterke Raad (Zaal A, 11:00–12:00). Gekozen door de klok.")
    assert (Device.objects.get(pk=device.pk).room, Device.objects.get(pk=device.pk).workshop) == (
        room_a,
        None,
    )
    assert no_sideways_scroll(page)

    # Someone booked in Zaal B this round: told where, and let in anyway.
    answer = page.locator("#answer")
    type_code(page, f"DLD1:{guest.badge_secret}")
    expect(answer).to_have_attribute("data-tone", "bad")
    expect(answer).to_contain_text("Niet aangemeld voor deze workshop")
    expect(answer).to_contain_text("Ingeschreven deze ronde: Klein Gezelschap, Zaal B (11:00–12:00)")
    expect(answer).to_contain_text("Plaatsen vrij in de zaal: 40")
    assert no_sideways_scroll(page)
    answer.get_by_role("button", name="Toch binnenlaten").click()
    expect(answer).to_have_attribute("data-tone", "ok")
    expect(answer).to_contain_text("Binnengelaten zonder inschrijving")
    checkin = CheckIn.objects.get(registration=guest)
    assert (checkin.workshop, checkin.walk_in, checkin.device) == (raad, True, device)
    answer.click()

    # The steward overrides the clock: Zaal B's session, until it ends at 12:00.
    with page.expect_response(lambda response: response.request.method == "PATCH"):
        page.get_by_label("Andere sessie controleren").select_option(str(small.pk))
    expect(label).to_have_text("Klein Gezelschap (Zaal B)")
    expect(now).to_have_text(
        "Controleert nu: Klein Gezelschap (Zaal B, 11:00–12:00). Zelf gekozen, tot 12:00."
    )
    assert Device.objects.get(pk=device.pk).workshop == small
    type_code(page, f"DLD1:{guest.badge_secret}")
    expect(answer).to_have_attribute("data-tone", "ok")
    expect(answer).to_contain_text("Greet Gast")
    assert CheckIn.objects.filter(registration=guest, workshop=small, walk_in=False).count() == 1
    answer.click()

    # Round 1 is over: the override has ended with it, and the door checks round 2 (13:00) at 12:50.
    phone.clock.fast_forward("02:00:00")
    expect(label).to_have_text("Digitale Participatie (Zaal A)")
    expect(now).to_have_text(
        "Controleert nu: Digitale Participatie (Zaal A, 13:00–14:00). Gekozen door de klok."
    )
    expect(page.get_by_label("Andere sessie controleren")).to_have_value("")
    assert digital.room == room_a
    phone.close()


def test_between_sessions_a_room_door_checks_nobody(
    chromium, live_server_url, event, municipalities, programme
):
    guest = badge_holder(event, municipalities, 1, workshops=[programme["raad"]])
    phone = new_phone(chromium, live_server_url)
    phone.clock.install(time=at(12, 15))
    _device, page = pair_phone(phone, event, "Deur Zaal A")
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")
    with page.expect_response(lambda response: response.request.method == "PATCH"):
        page.get_by_label("Waar scant u?").select_option(str(programme["rooms"]["a"].pk))

    expect(page.locator("#door-label")).to_have_text("Zaal A: nu geen sessie")
    expect(page.locator("#door-now")).to_have_text(
        "Nu geen sessie in deze zaal. Volgende: Digitale Participatie 13:00"
    )
    type_code(page, f"DLD1:{guest.badge_secret}")
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-tone", "bad")
    expect(answer).to_contain_text("Nu geen sessie in deze zaal")
    assert not CheckIn.objects.exists()
    phone.close()
