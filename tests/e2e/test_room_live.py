"""Polls and questions in Chromium, three browsers at once: the moderator, a voter on a phone and
the big screen. What people typed shows as text on the screen, however it looks like markup."""

from playwright.sync_api import expect

from events.room import services

XSS_QUESTION = '<img src=x onerror="window.pwned=1">Hoe betrekken we jongeren?'
XSS_WORD = "<script>window.pwned=2</script>"


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_moderator_voter_and_big_screen_follow_one_another_live(
    programme, make_attendee, server, browser, anonymous_context
):
    raad = programme["raad"]
    anna = make_attendee(1)
    room, moderator_token = services.new_moderator_token(raad)

    screen = anonymous_context.new_page()
    screen.set_viewport_size({"width": 1366, "height": 900})
    screen.goto(f"/zaal/{room.code}/scherm/")
    expect(screen.locator("#live-status")).to_have_attribute("data-state", "online")

    moderator_context = browser.new_context(base_url=server, locale="nl-NL", timezone_id="Europe/Amsterdam")
    voter_context = browser.new_context(
        base_url=server,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        viewport={"width": 390, "height": 844},
    )
    try:
        moderator = moderator_context.new_page()
        moderator.goto(f"/zaal/moderator/{moderator_token}/")
        expect(moderator.locator("#live-status")).to_have_attribute("data-state", "online")
        moderator.get_by_label("Vraag", exact=True).fill("Welke aanpak werkt?")
        moderator.get_by_label("Soort").select_option("single")
        moderator.get_by_label("Opties (één per regel)").fill("Wijkraad\nBurgerberaad")
        moderator.get_by_role("button", name="Peiling klaarzetten").click()
        moderator.get_by_role("button", name="Peiling openen").click()
        expect(screen.locator(".room-poll-question")).to_have_text("Welke aanpak werkt?")

        # The voter comes in through the room code, once with their private link.
        voter = voter_context.new_page()
        voter.goto(f"/zaal/{room.code}/")
        voter.get_by_label("Uw persoonlijke link").fill(f"{server}/r/{anna.manage_token}/")
        voter.get_by_role("button", name="Verder").click()
        expect(voter.locator("#live-status")).to_have_attribute("data-state", "online")
        voter.get_by_label("Burgerberaad").check()
        voter.get_by_role("button", name="Stem").click()
        expect(voter.get_by_text("Uw stem is binnen.")).to_be_visible()
        expect(screen.locator(".room-bars li").nth(1).locator(".count")).to_have_text("1")
        expect(screen.locator(".room-votes")).to_have_text("1 stem")
        assert _no_sideways_scroll(voter)

        # A question that looks like markup: the moderator sees who asked, the screen the text.
        voter.get_by_label("Uw vraag").fill(XSS_QUESTION)
        voter.get_by_label("Toon mijn naam bij mijn vraag").check()
        voter.get_by_role("button", name="Vraag versturen").click()
        expect(voter.get_by_text("Dank u: de moderator leest uw vraag eerst.")).to_be_visible()
        asked = moderator.locator("#moderator-questions li").first
        expect(asked.locator(".text")).to_have_text(XSS_QUESTION)
        expect(asked.locator(".name")).to_have_text("Deelnemer 1, Amersfoort (naam getoond)")
        asked.get_by_role("button", name="Tonen").click()
        shown = screen.locator("#screen-questions li").first
        expect(shown.locator(".text")).to_have_text(XSS_QUESTION)
        expect(shown.locator(".name")).to_have_text("Deelnemer 1")

        # A word poll, answered with markup.
        moderator.get_by_label("Vraag", exact=True).fill("Eén woord voor vandaag?")
        moderator.get_by_label("Soort").select_option("words")
        moderator.get_by_role("button", name="Peiling klaarzetten").click()
        moderator.locator("#moderator-polls li").first.get_by_role("button", name="Peiling openen").click()
        word_poll = voter.locator('.room-poll[data-status="open"]').filter(has_text="Eén woord voor vandaag?")
        word_poll.get_by_label("Uw antwoord (een of twee woorden)").fill(XSS_WORD)
        word_poll.get_by_role("button", name="Stem").click()
        expect(screen.locator(".room-words li")).to_have_text([XSS_WORD])

        # Closing: the voter's form goes, the result stays, and a late vote is not possible.
        first_poll = moderator.locator("#moderator-polls li").filter(has_text="Welke aanpak werkt?")
        first_poll.get_by_role("button", name="Peiling sluiten").click()
        closed_card = voter.locator(".room-poll").filter(has_text="Welke aanpak werkt?")
        expect(closed_card).to_have_attribute("data-status", "closed")
        expect(closed_card.locator("form")).to_have_count(0)
        expect(closed_card.locator(".room-votes")).to_have_text("1 stem")

        assert screen.evaluate("window.pwned") is None
        assert voter.evaluate("window.pwned") is None
        assert moderator.evaluate("window.pwned") is None
        assert screen.locator("#screen-questions img, .room-words script").count() == 0
        assert _no_sideways_scroll(screen) and _no_sideways_scroll(voter)
    finally:
        moderator_context.close()
        voter_context.close()


def test_an_organiser_moderates_with_their_login_from_the_overview(programme, staff_context):
    page = staff_context.new_page()
    page.goto("/zaal/sessies/")
    row = page.locator("tr").filter(has_text=programme["raad"].title)
    row.get_by_role("link", name="Modereren").click()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")

    page.get_by_label("Vraag", exact=True).fill("Hoe tevreden bent u?")
    page.get_by_label("Soort").select_option("scale")
    page.get_by_role("button", name="Peiling klaarzetten").click()
    page.get_by_role("button", name="Peiling openen").click()

    expect(page.locator("#moderator-polls li").first).to_have_attribute("data-status", "open")
    assert services.room_for(programme["raad"]).polls.get().status == "open"
