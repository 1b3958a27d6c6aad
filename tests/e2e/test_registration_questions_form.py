"""The organisers' questions on the registration form, on a phone (390 × 844) in Chromium with the
keyboard alone: a question for clerks only hides for a council member and shows for a clerk, its
options are answered with the arrow keys and space; nothing scrolls sideways, axe finds nothing
serious, and the answers are stored."""

import pytest
from playwright.sync_api import expect

from events.models import Registration
from tests.e2e.browser import blocking_violations, new_context, tab_to
from tests.factories import create_lunch_and_clerks_session

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, server, programme):
    context = new_context(browser, server, viewport=PHONE)
    yield context.new_page()
    context.close()


def test_a_clerk_answers_the_questions_with_the_keyboard_on_a_phone(phone, event):
    questions = create_lunch_and_clerks_session(event)
    lunch, session = questions["lunch"], questions["session"]

    phone.goto("/aanmelden/")
    clerks_only = phone.locator(".question[data-roles='griffier']")
    for element_id, value in {
        "id_first_name": "Griet",
        "id_last_name": "Griffier",
        "id_email": "griet@amersfoort.example",
        "id_role": "Raadslid",
    }.items():
        tab_to(phone, element_id)
        phone.keyboard.type(value)
    expect(clerks_only).to_be_hidden()
    for _ in range(4):  # past Commissielid, Wethouder, Burgemeester to Griffier
        phone.keyboard.press("ArrowDown")
    assert phone.locator("#id_role").input_value() == "griffier"
    expect(clerks_only).to_be_visible()
    tab_to(phone, "id_municipality")
    phone.keyboard.type("Amersfoort")

    tab_to(phone, f"id_answers.{lunch.pk}_0")
    phone.keyboard.press("Space")  # yes
    tab_to(phone, f"id_answers.{session.pk}_0")
    phone.keyboard.press("ArrowDown")  # the second option, chosen as the focus moves
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert blocking_violations(phone) == []
    tab_to(phone, "id_privacy")
    phone.keyboard.press("Space")
    phone.keyboard.press("Enter")

    expect(phone.get_by_role("heading", name="Uw antwoorden")).to_be_visible()
    registration = Registration.objects.get()
    assert {answer.question.text: answer.display() for answer in registration.answers.all()} == {
        "Blijft u lunchen?": "ja",
        "Welk griffiersoverleg?": "Middag",
    }
