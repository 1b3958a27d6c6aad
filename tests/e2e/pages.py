"""The pages the accessibility and staff-screen tests visit: the site they are built on (a
fixture), how to get to each page, and a wait until a page's scripts have run."""

import pytest
from playwright.sync_api import expect

from checkin.services import create_device, new_pairing_code
from events.messaging import services as messaging
from events.models import secret_hash
from events.room import services as room_services
from networking.models import SignupContact
from networking.services import connect_code_for, sign_up, verify_contact_address
from tests.factories import attendee, create_offers


def settled(page) -> None:
    """Wait until the page's scripts have run (live pages connect a socket; wait for that too)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)


@pytest.fixture
def site(event, programme, municipalities):
    """An event with a programme, the network's offers, two attendees in the directory (Anna's
    registration is the one whose private pages are checked; Bram's connect code is scanned) and
    an unpaired scanning device; Bram opted out of messages.

    Registering in this process logs "live events not delivered": the test process cannot reach
    its in-memory channel layer while Playwright's loop runs; the server has its own."""
    offers = create_offers(event)
    # Rotterdam's signup: its private page shows a colleague who proved her address and waits.
    first = sign_up(
        event=event,
        municipality=municipalities["GM0599"],
        contact_name="Piet Griffier",
        contact_email="griffie@rotterdam.example",
        offers=[offers["quick-scan"], offers["ontwikkeltraject"]],
    )
    # The mails' contexts (with the tokens) are emptied once sent: set known proof links instead.
    proof_token, colleague_token = "bewijs-piet-0123456789", "bewijs-sanne-0123456789"
    sign_up(
        event=event,
        municipality=municipalities["GM0599"],
        contact_name="Sanne Collega",
        contact_email="collega@rotterdam.example",
        offers=[offers["quick-scan"]],
    )
    for email, token in [
        ("griffie@rotterdam.example", proof_token),
        ("collega@rotterdam.example", colleague_token),
    ]:
        SignupContact.objects.filter(email=email).update(address_token_hash=secret_hash(token))
    verify_contact_address(colleague_token)
    anna, anna_token = attendee(
        event,
        "Anna de Vries",
        municipality=municipalities["GM0307"],
        interests=["inwoners-betrekken"],
        talk_about="Burgerberaad",
    )
    bram, _bram_token = attendee(event, "Bram Bakker", municipality=municipalities["GM0363"])
    messaging.opt_out(bram)  # a row in the organisers' list of opt-outs
    device, _device_token = create_device(event=event, name="Ingang noord")
    room, moderator_token = room_services.new_moderator_token(programme["raad"])
    poll = room_services.create_poll(
        programme["raad"], question="Welke aanpak?", kind="single", options=["A", "B"]
    )
    room_services.open_poll(poll)
    room_services.moderate(room_services.ask(anna, programme["raad"], text="Hoe?", show_name=True), "approve")
    return {
        "room_code": room.code,
        "moderator_token": moderator_token,
        "event": event,
        "programme": programme,
        "anna_token": anna_token,
        "bram_secret": connect_code_for(bram).secret,
        "device": device,
        "signup_token": first.manage_token,
        "signup_proof": proof_token,
    }


def register_with_errors(page) -> None:
    page.goto("/aanmelden/")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".error-summary")).to_be_visible()


def network_signup_with_errors(page) -> None:
    page.goto("/netwerk/")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".error-summary")).to_be_visible()


def network_signup_done(page) -> None:
    page.goto("/netwerk/")
    page.get_by_label("Gemeente", exact=True).fill("Amersfoort (GM0307)")
    page.get_by_label("Uw naam").fill("Karin de Griffier")
    page.get_by_label("Uw e-mailadres").fill("griffie@amersfoort.example")
    page.get_by_label("Quick Scan Lokale Democratie").check()
    page.get_by_label("Ik ga ermee akkoord", exact=False).check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.locator(".outcome")).to_have_count(1)


def connect_ask(page, site) -> None:
    """Anna's phone (she pressed "Use this phone" on her page) scans Bram's code."""
    page.goto(f"/r/{site['anna_token']}/")
    page.get_by_role("button", name="Gebruik deze telefoon").click()
    settled(page)
    page.goto(f"/verbind/{site['bram_secret']}")
    expect(page.locator("#id_note")).to_be_visible()


def scanner(page, site) -> None:
    _pairing, code = new_pairing_code(site["device"])
    page.goto(f"/scan/koppel/{code}/")
    page.wait_for_url("**/scan/")
    expect(page.locator("#who")).to_have_text("Ingang noord")


def scanner_after_a_refusal(page, site) -> None:
    """The scanner showing its answer to a code it does not know (the red state)."""
    scanner(page, site)
    field = page.get_by_label("Badgecode of referentie")
    field.focus()
    page.keyboard.type("ONBEKEND")
    page.keyboard.press("Enter")
    expect(page.locator("#answer")).not_to_have_attribute("data-tone", "none")


def device_pairing_qr(page, site) -> None:
    page.goto("/dashboard/apparaten/")
    page.locator(f'form[action$="/apparaten/{site["device"].pk}/koppelen/"] button').click()
    expect(page.locator("svg").first).to_be_visible()


def door_list(page, site) -> None:
    page.goto(f"/dashboard/deurlijst/{site['programme']['raad'].pk}/")


# (name, how to get there): a path, or a function of (page, site).
PUBLIC_PAGES = [
    ("home-programme", "/"),
    ("programme-embed", "/programma/embed/"),
    ("register", "/aanmelden/"),
    ("register-errors", lambda page, site: register_with_errors(page)),
    ("registration-done", lambda page, site: page.goto(f"/r/{site['anna_token']}/?welkom=1")),
    ("manage", lambda page, site: page.goto(f"/r/{site['anna_token']}/")),
    ("badge", lambda page, site: page.goto(f"/r/{site['anna_token']}/badge/")),
    ("cancel", lambda page, site: page.goto(f"/r/{site['anna_token']}/annuleren/")),
    ("erase", lambda page, site: page.goto(f"/r/{site['anna_token']}/wissen/")),
    ("erased", "/gewist/"),
    ("privacy", "/privacy/"),
    ("network-signup", "/netwerk/"),
    ("network-signup-kiosk", "/netwerk/?kiosk=1"),
    ("network-signup-errors", lambda page, site: network_signup_with_errors(page)),
    ("network-signup-done", lambda page, site: network_signup_done(page)),
    ("network-wall", "/netwerk/muur/"),
    ("network-map", "/netwerk/kaart/"),
    ("network-signup-manage", lambda page, site: page.goto(f"/netwerk/aanmelding/{site['signup_token']}/")),
    ("network-signup-proof", lambda page, site: page.goto(f"/netwerk/bevestig/{site['signup_proof']}/")),
    ("directory", lambda page, site: page.goto(f"/r/{site['anna_token']}/deelnemers/")),
    ("directory-profile", lambda page, site: page.goto(f"/r/{site['anna_token']}/netwerken/")),
    ("connect", connect_ask),
    ("connect-unknown-code", "/verbind/onbekend"),
    ("pair-unknown-code", "/scan/koppel/ONBEKEND/"),
    ("not-found", "/bestaat-niet/"),
    ("room-enter", "/zaal/"),
    ("room-session", lambda page, site: page.goto(f"/zaal/{site['room_code']}/")),
    ("room-vote", lambda page, site: page.goto(f"/r/{site['anna_token']}/zaal/{site['room_code']}/")),
    ("room-screen", lambda page, site: page.goto(f"/zaal/{site['room_code']}/scherm/")),
    ("room-moderator", lambda page, site: page.goto(f"/zaal/moderator/{site['moderator_token']}/")),
]
STAFF_PAGES = [
    ("scanner", scanner),
    ("scanner-answer", scanner_after_a_refusal),
    ("dashboard", "/dashboard/"),
    ("devices", "/dashboard/apparaten/"),
    ("device-pairing-qr", device_pairing_qr),
    ("lists", "/dashboard/lijsten/"),
    ("door-list", door_list),
    ("staff-directory", "/netwerk/deelnemers/"),
    ("history", "/dashboard/geschiedenis/"),
    ("resend-confirmations", "/dashboard/bevestigingen/?q=Anna"),
    ("room-overview", "/zaal/sessies/"),
    ("webhooks", "/dashboard/webhooks/"),
    ("opted-out", "/dashboard/berichten/afgemeld/"),
]


def visit(page, site, target) -> None:
    if callable(target):
        target(page, site)
    else:
        page.goto(target)
    settled(page)
