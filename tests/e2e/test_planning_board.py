"""The organisers' planning board in Chromium: drag to an empty cell, swap by drag, move by
keyboard, the consequences shown before anything is applied, two organisers where the second's
stale edit is refused and both boards follow live, and no sideways scroll at 390 px."""

import pytest
from playwright.sync_api import expect

from events.models import Workshop
from tests.e2e.browser import log_in, new_context, open_live

PHONE = {"width": 390, "height": 844}
# Tall enough that the whole grid is in view: a drag never scrolls the page under the pointer.
DESKTOP = {"width": 1366, "height": 1400}


@pytest.fixture
def board_page(browser, server, staff_user, programme):
    context = new_context(browser, server, viewport=DESKTOP)
    log_in(context, server, staff_user)
    page = context.new_page()
    open_live(page, "/planning/", "/ws/programme/")
    synced(page)
    yield page
    context.close()


def synced(page) -> None:
    """The board drew the server's state after its socket's snapshot: nothing redraws under a drag."""
    expect(page.locator('#board-grid[data-live="true"]')).to_be_attached()
    expect(page.locator("[data-card]")).to_have_count(4)


def card(page, workshop: Workshop):
    return page.locator(f'[data-card="{workshop.pk}"]')


def cell(page, room, round_):
    return page.locator(f'[data-cell="{room.pk}-{round_.pk}"]')


def apply_preview(page):
    dialog = page.locator("#preview-dialog")
    expect(dialog).to_be_visible()
    page.locator("#preview-apply").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-status")).to_have_text("Toegepast.")


def place(workshop: Workshop) -> tuple[int, int]:
    workshop.refresh_from_db()
    return (workshop.room_id, workshop.round_id)


def test_drag_a_card_to_an_empty_cell_shows_the_consequences_then_applies(
    board_page, programme, make_attendee
):
    page, raad = board_page, programme["raad"]
    rooms, rounds = programme["rooms"], programme["rounds"]
    card(page, raad).drag_to(cell(page, rooms["b"], rounds["second"]))

    expect(page.locator("#preview-dialog")).to_be_visible()
    expect(page.locator('#preview-counts [data-count="mails"]')).to_have_text("0 deelnemers krijgen een mail")
    expect(page.locator("#preview-conflicts")).to_have_text("Geen conflicten.")
    assert place(raad) == (rooms["a"].pk, rounds["first"].pk)  # nothing before Apply
    apply_preview(page)

    expect(cell(page, rooms["b"], rounds["second"]).locator(f'[data-card="{raad.pk}"]')).to_be_visible()
    assert place(raad) == (rooms["b"].pk, rounds["second"].pk)


def test_swap_two_cards_by_drag_puts_both_where_expected(board_page, programme):
    page, raad, digital = board_page, programme["raad"], programme["digital"]
    rooms, rounds = programme["rooms"], programme["rounds"]
    card(page, raad).locator(".card-title").drag_to(card(page, digital).locator(".card-title"))
    expect(page.locator("#preview-title")).to_have_text("Workshops ruilen")
    apply_preview(page)

    expect(cell(page, rooms["a"], rounds["second"]).locator(f'[data-card="{raad.pk}"]')).to_be_visible()
    expect(cell(page, rooms["a"], rounds["first"]).locator(f'[data-card="{digital.pk}"]')).to_be_visible()
    expect(cell(page, rooms["a"], rounds["first"]).locator("[data-card]")).to_have_count(1)
    assert (place(raad), place(digital)) == (
        (rooms["a"].pk, rounds["second"].pk),
        (rooms["a"].pk, rounds["first"].pk),
    )


def test_move_by_keyboard_and_escape_cancels(board_page, programme):
    page, small = board_page, programme["small"]
    rooms, rounds = programme["rooms"], programme["rounds"]
    card(page, small).focus()
    page.keyboard.press("Enter")
    expect(card(page, small)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(card(page, small)).to_have_attribute("aria-pressed", "false")

    card(page, small).focus()
    page.keyboard.press("Space")
    cell(page, rooms["b"], rounds["second"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#preview-what")).to_contain_text("Ronde 2, Zaal B")
    apply_preview(page)
    expect(cell(page, rooms["b"], rounds["second"]).locator(f'[data-card="{small.pk}"]')).to_be_visible()
    assert place(small) == (rooms["b"].pk, rounds["second"].pk)


def test_conflicts_are_shown_and_block_apply(board_page, programme, make_attendee):
    page, small = board_page, programme["small"]
    make_attendee(1, small, programme["digital"])
    page.reload()
    synced(page)
    card(page, small).drag_to(cell(page, programme["rooms"]["b"], programme["rounds"]["second"]))
    expect(page.locator('[data-conflict="attendees_booked_elsewhere"]')).to_be_visible()
    expect(page.locator('#preview-counts [data-count="mails"]')).to_have_text("1 deelnemers krijgen een mail")
    page.locator("#preview-cancel").click()
    assert place(small) == (programme["rooms"]["b"].pk, programme["rounds"]["first"].pk)


def test_two_organisers_a_stale_edit_is_refused_and_both_boards_follow(
    browser, server, staff_user, programme, board_page
):
    first, raad, small = board_page, programme["raad"], programme["small"]
    rooms, rounds = programme["rooms"], programme["rounds"]
    context = new_context(browser, server, viewport=DESKTOP)
    log_in(context, server, staff_user)
    second = context.new_page()
    open_live(second, "/planning/", "/ws/programme/")
    synced(second)

    # The second opens a preview on the state it has; meanwhile the first applies a swap.
    card(second, small).drag_to(cell(second, rooms["b"], rounds["second"]))
    expect(second.locator("#preview-dialog")).to_be_visible()
    card(first, raad).locator(".card-title").drag_to(card(first, small).locator(".card-title"))
    apply_preview(first)

    # The second board follows live, behind its dialog.
    expect(cell(second, rooms["b"], rounds["first"]).locator(f'[data-card="{raad.pk}"]')).to_be_attached()
    second.locator("#preview-apply").click()
    expect(second.locator("#board-status")).to_have_text(
        "Iemand anders heeft dit intussen gewijzigd; het bord toont nu de actuele stand."
    )
    assert (place(raad), place(small)) == (
        (rooms["b"].pk, rounds["first"].pk),
        (rooms["a"].pk, rounds["first"].pk),
    )

    # The second's next edit, on the fresh state, reaches the first board live.
    card(second, small).drag_to(cell(second, rooms["b"], rounds["second"]))
    apply_preview(second)
    expect(cell(first, rooms["b"], rounds["second"]).locator(f'[data-card="{small.pk}"]')).to_be_visible()
    assert first.evaluate("window.__noReload") is True
    context.close()


def test_no_sideways_scroll_at_390_px(browser, server, staff_user, programme, tmp_path):
    context = new_context(browser, server, viewport=PHONE)
    log_in(context, server, staff_user)
    page = context.new_page()
    page.goto("/planning/")
    expect(page.locator("[data-card]")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    grid = page.locator("#board-scroll")
    assert grid.evaluate("(box) => box.scrollWidth > box.clientWidth") is True  # the grid scrolls itself
    context.close()


def test_a_room_added_in_its_dialog_shows_on_both_boards(browser, server, staff_user, programme, board_page):
    first = board_page
    context = new_context(browser, server, viewport=DESKTOP)
    log_in(context, server, staff_user)
    second = context.new_page()
    open_live(second, "/planning/", "/ws/programme/")
    synced(second)

    first.get_by_role("button", name="Zaal toevoegen").click()
    dialog = first.locator("#room-dialog")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog.locator("[data-errors]")).to_have_text("Dit veld is verplicht.")
    dialog.get_by_label("Naam").fill("Zaal C")
    dialog.get_by_label("Plaatsen").fill("25")
    dialog.get_by_role("button", name="Opslaan").click()
    expect(dialog).to_be_hidden()

    for page in (first, second):
        expect(page.locator("[data-room-head] .head-name")).to_have_text(
            ["Grote Zaal", "Zaal A", "Zaal B", "Zaal C"]
        )
    context.close()
