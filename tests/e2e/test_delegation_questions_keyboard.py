"""The organisers' questions per member on the delegation form, on a phone (390 × 844) in Chromium
with the keyboard alone: a question for clerks only shows in the clerk's row and hides in the
council member's; a missing answer comes back at its row with the summary's link leading there;
answered, the delegation is registered with each member's answers. Nothing scrolls sideways, axe
finds nothing serious; the same form fits a laptop screen."""

import os

import pytest
from playwright.sync_api import expect

from events.models import Delegation, Registration, RegistrationQuestion
from tests.e2e.browser import blocking_violations, new_context, no_sideways_scroll, tab_to, type_by_keyboard
from tests.factories import DELEGATION_COORDINATOR_TYPED as COORDINATOR
from tests.factories import create_lunch_and_clerks_session

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
# Set to a folder to keep screenshots of the pages for a look.
SHOTS = os.environ.get("E2E_SHOTS", "")


def shot(page, name: str, *, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=full_page)


@pytest.fixture
def questions(event) -> dict[str, RegistrationQuestion]:
    return create_lunch_and_clerks_session(event)


@pytest.fixture
def phone(browser, server, programme, questions):
    """The delegation form on a phone, opened once the questions exist."""
    context = new_context(browser, server, viewport=PHONE)
    page = context.new_page()
    page.goto("/aanmelden/delegatie/")
    yield page
    context.close()


def submit(page) -> None:
    tab_to(page, "id_privacy")
    if not page.locator("#id_privacy").is_checked():
        page.keyboard.press("Space")
    page.keyboard.press("Enter")


def test_each_member_answers_the_questions_of_their_role_with_the_keyboard(phone, questions):
    lunch, session = questions["lunch"], questions["session"]
    type_by_keyboard(
        phone,
        {
            **COORDINATOR,
            "id_members-0-first_name": "Raad",
            "id_members-0-last_name": "Lid",
            "id_members-0-email": "raadslid@amersfoort.example",
            "id_members-0-role": "Raadslid",
        },
    )
    clerks_session = phone.locator(".delegation-member .question[data-roles='griffier']")
    expect(clerks_session.nth(0)).to_be_hidden()  # the council member's row
    tab_to(phone, f"id_members-0-answers.{lunch.pk}_0")
    phone.keyboard.press("Space")  # yes
    type_by_keyboard(
        phone,
        {
            "id_members-1-first_name": "Gijs",
            "id_members-1-last_name": "Griffier",
            "id_members-1-role": "Griffier",
        },
    )
    expect(clerks_session.nth(1)).to_be_visible()
    expect(clerks_session.nth(0)).to_be_hidden()
    expect(clerks_session.nth(2)).to_be_visible()  # an empty row: no role yet, every question shows
    tab_to(phone, f"id_members-1-answers.{session.pk}_0")
    phone.keyboard.press("ArrowDown")  # Middag, chosen as the focus moves
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    shot(phone, "delegation-questions-phone")
    submit(phone)  # the clerk's lunch is not answered

    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Persoon 2, blijft u lunchen?: Deze vraag is verplicht.")
    link.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator(f"#id_members-1-answers\\.{lunch.pk}_0")).to_be_focused()  # its first option
    expect(phone.locator(f"#id_members-1-answers\\.{lunch.pk}_error")).to_have_text(
        "Deze vraag is verplicht."
    )
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)
    shot(phone, "delegation-questions-error-phone", full_page=False)
    phone.keyboard.press("ArrowDown")  # No, chosen as the focus moves
    submit(phone)

    expect(phone.get_by_role("heading", name="Delegatie van Amersfoort")).to_be_visible()
    answers = {
        registration.last_name: {
            answer.question.text: answer.display() for answer in registration.answers.all()
        }
        for registration in Registration.objects.all()
    }
    assert answers == {
        "Lid": {"Blijft u lunchen?": "ja"},
        "Griffier": {"Blijft u lunchen?": "nee", "Welk griffiersoverleg?": "Middag"},
    }


def test_the_form_with_questions_fits_a_laptop_screen(browser, server, programme, questions):
    context = new_context(browser, server, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/aanmelden/delegatie/")

    assert no_sideways_scroll(page)
    assert blocking_violations(page) == []
    shot(page, "delegation-questions-laptop", full_page=False)
    context.close()


def test_an_attending_coordinator_answers_their_questions_with_the_keyboard(phone, questions):
    lunch, session = questions["lunch"], questions["session"]
    own = phone.locator(".coordinator-questions")
    expect(own).to_be_hidden()  # not attending: not asked
    type_by_keyboard(phone, COORDINATOR)
    tab_to(phone, "id_attending")
    phone.keyboard.press("Space")
    expect(own).to_be_visible()
    expect(own.locator(".question[data-roles='griffier']")).to_be_visible()
    tab_to(phone, f"id_answers.{lunch.pk}_0")
    phone.keyboard.press("Space")  # yes
    type_by_keyboard(
        phone,
        {
            "id_members-0-first_name": "Raad",
            "id_members-0-last_name": "Lid",
            "id_members-0-role": "Raadslid",
        },
    )
    tab_to(phone, f"id_members-0-answers.{lunch.pk}_0")
    phone.keyboard.press("Space")
    assert no_sideways_scroll(phone)
    shot(phone, "delegation-coordinator-questions-phone")
    submit(phone)  # the clerks' session of the coordinator is not answered

    expect(phone.locator(f"#id_answers\\.{session.pk}_error")).to_have_text("Deze vraag is verplicht.")
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)
    assert no_sideways_scroll(phone)
    assert blocking_violations(phone) == []
    tab_to(phone, f"id_answers.{session.pk}_0")
    phone.keyboard.press("Space")  # Ochtend
    submit(phone)

    expect(phone.get_by_role("heading", name="Delegatie van Amersfoort")).to_be_visible()
    coordinator = Delegation.objects.get().coordinator_registration
    assert {answer.question.text: answer.display() for answer in coordinator.answers.all()} == {
        "Blijft u lunchen?": "ja",
        "Welk griffiersoverleg?": "Ochtend",
    }
