"""The delegation form on a phone (390 × 844) in Chromium, with the keyboard alone: a griffier
registers two people, one without an address; a bad row comes back with the error summary in
focus and its link leading to that row's field; nothing scrolls sideways, axe finds nothing serious."""

import pytest
from playwright.sync_api import expect

from events.models import Delegation, Registration
from tests.e2e.browser import blocking_violations, new_context, no_sideways_scroll, tab_to, type_by_keyboard
from tests.factories import DELEGATION_COORDINATOR_TYPED as COORDINATOR
from tests.factories import amersfoort_delegation, delegation_member

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, server, programme):
    context = new_context(browser, server, viewport=PHONE)
    yield context.new_page()
    context.close()


def test_a_griffier_registers_a_delegation_with_the_keyboard_on_a_phone(phone):
    phone.goto("/aanmelden/delegatie/")
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    type_by_keyboard(
        phone,
        {
            **COORDINATOR,
            "id_members-0-first_name": "Raad",
            "id_members-0-last_name": "Lid",
            "id_members-0-email": "raadslid@amersfoort.example",
            "id_members-0-role": "Raadslid",
            "id_members-1-first_name": "Wet",
            "id_members-1-last_name": "Houder",
            "id_members-1-role": "Wethouder",
        },
    )
    assert phone.locator("#id_municipality").input_value() == "GM0307"
    tab_to(phone, "id_privacy")
    phone.keyboard.press("Space")
    phone.keyboard.press("Enter")  # submits the form

    expect(phone.get_by_role("heading", name="Delegatie van Amersfoort")).to_be_visible()
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    assert sorted(Registration.objects.values_list("last_name", "email")) == [
        ("Houder", ""),
        ("Lid", "raadslid@amersfoort.example"),
    ]
    assert Delegation.objects.get().members.count() == 2


def test_a_bad_row_comes_back_with_its_error_in_focus_and_nothing_stored(phone):
    phone.goto("/aanmelden/delegatie/")
    type_by_keyboard(
        phone,
        {
            **COORDINATOR,
            "id_members-0-first_name": "Raad",
            "id_members-0-last_name": "Lid",
            "id_members-0-email": "raadslid@amersfoort.example",
            "id_members-0-role": "Raadslid",
            "id_members-1-first_name": "Nog",
            "id_members-1-last_name": "Een",
            "id_members-1-email": "RAADSLID@amersfoort.example",
            "id_members-1-role": "Raadslid",
        },
    )
    tab_to(phone, "id_privacy")
    phone.keyboard.press("Space")
    phone.keyboard.press("Enter")

    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role(
        "link", name="Persoon 2, e-mailadres: Dit adres komt twee keer voor in de delegatie."
    )
    link.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#id_members-1-email")).to_be_focused()
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)


def test_the_form_and_the_coordinators_page_fit_a_laptop_screen(browser, server, programme):
    _delegation, token, _members = amersfoort_delegation(
        programme["raad"].round.event, delegation_member("Raad", "Lid", programme["raad"])
    )
    context = new_context(browser, server, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for path in ("/aanmelden/delegatie/", f"/aanmelden/delegatie/{token}/"):
        page.goto(path)
        assert no_sideways_scroll(page), path
        assert blocking_violations(page) == [], path
    expect(page.get_by_text("Sterke Raad")).to_be_visible()
    context.close()
