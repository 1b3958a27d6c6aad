"""The attendee's own page and the programme on a phone (390 × 844), in Chromium: nothing scrolls
sideways, the badge is one tap away (and first on the day itself), a saved change shows its notice,
and the programme can be narrowed down and shows "Mijn programma"."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events import services
from events.models import Event
from tests.e2e.browser import new_context

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, server):
    context = new_context(browser, server, viewport=PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def attendee(event, programme, municipalities):
    registration, token = services.register(
        event=event,
        first_name="Lotte",
        last_name="Visser",
        email="lotte.visser@amersfoort.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[programme["raad"], programme["digital"]],
    )
    return registration, token


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight; }""",
        selector,
    )


def test_the_badge_is_one_tap_from_anywhere_and_nothing_scrolls_sideways(phone, attendee):
    _registration, token = attendee
    phone.goto(f"/r/{token}/")
    assert no_sideways_scroll(phone)
    phone.mouse.wheel(0, 2000)
    bar = phone.get_by_role("link", name="Toon mijn badge")
    expect(bar).to_be_in_viewport()
    bar.click()
    phone.wait_for_function("document.querySelector('#badge').getBoundingClientRect().top < innerHeight")
    expect(phone.locator("#badge img")).to_be_in_viewport()


def test_on_the_day_the_badge_comes_first(phone, attendee, event):
    Event.objects.filter(pk=event.pk).update(date=timezone.localdate())
    _registration, token = attendee
    phone.goto(f"/r/{token}/")
    badge = phone.locator("#badge").bounding_box()
    programme = phone.locator(".my-day").bounding_box()
    assert badge["y"] < programme["y"]
    assert in_view(phone, "#badge h2")


def test_a_saved_change_lands_on_its_notice(phone, attendee, programme):
    _registration, token = attendee
    phone.goto(f"/r/{token}/")
    phone.get_by_text("Uw workshops wijzigen").click()
    phone.locator(f'label.choice[data-workshop="{programme["small"].pk}"]').click()
    phone.get_by_role("button", name="Mijn keuze opslaan").click()
    notice = phone.get_by_text("Uw programma is gewijzigd.")
    expect(notice).to_be_in_viewport()
    assert phone.evaluate("document.activeElement.id") == "status"
    assert no_sideways_scroll(phone)


def test_the_programme_narrows_down_and_shows_my_programme(phone, attendee, programme):
    _registration, token = attendee
    phone.goto("/")
    assert no_sideways_scroll(phone)
    expect(phone.locator("#mijn-programma")).to_be_hidden()
    starts = timezone.localtime(programme["rounds"]["first"].starts_at)
    phone.get_by_label("Ronde", exact=True).select_option(label=f"Ronde 1 ({starts:%H:%M})")
    expect(phone.locator(".round")).to_have_count(1)
    expect(phone.locator(f'.session[data-workshop="{programme["digital"].pk}"]')).to_have_count(0)

    phone.goto(f"/r/{token}/")  # the attendee's own page leaves their workshops in this browser
    phone.goto("/")
    mine = phone.locator("#mijn-programma")
    expect(mine).to_be_visible()
    expect(mine.get_by_role("link", name="Sterke Raad")).to_be_visible()
    expect(mine.get_by_role("link", name="Digitale Participatie")).to_be_visible()
    mine.get_by_role("button", name="Vergeet op dit apparaat").click()
    expect(mine).to_be_hidden()
