"""Contact exchange: a personal connect code, a request from the scanner's own phone, details
shared only once both agree, everything removable, accepted contacts as vCard."""

import re

from django.test import Client

from events import badges
from events.models import secret_hash
from networking.models import ConnectCode, Contact
from networking.phone import PHONE_COOKIE
from tests.factories import attendee


def phone_of(person) -> Client:
    """A phone on which `person` opened their own page and pressed "Use this phone"."""
    phone = Client(enforce_csrf_checks=True)
    page = phone.get(f"/r/{person[1]}/").content.decode()
    assert "Gebruik deze telefoon" in page
    assert phone.get(f"/r/{person[1]}/netwerken/verbindcode.svg").status_code == 200  # the page's image
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = phone.post(f"/r/{person[1]}/netwerken/dit-toestel/", {"csrfmiddlewaretoken": csrf})
    assert response["Location"] == f"/r/{person[1]}/?netwerk=toestel#verbindcode"
    phone.handler.enforce_csrf_checks = False
    return phone


def connect_path(person) -> str:
    return f"/verbind/{ConnectCode.objects.get(registration=person[0]).secret}"


def test_connect_code_is_its_own_secret(anna):
    registration, token = anna
    phone = Client()

    response = phone.get(f"/r/{token}/netwerken/verbindcode.svg")

    code = ConnectCode.objects.get(registration=registration)
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert len(code.secret) >= 26 and code.secret != registration.badge_secret  # ≥ 128 bits, not the badge
    assert code.secret_hash == secret_hash(code.secret)
    assert response.content.decode() == badges.link_qr_svg(f"http://testserver/verbind/{code.secret}")
    assert PHONE_COOKIE not in response.cookies  # showing the code marks no phone
    # Shown again: the same code.
    phone.get(f"/r/{token}/netwerken/verbindcode.svg")
    assert ConnectCode.objects.count() == 1


def test_use_this_phone_marks_it_with_a_signed_cookie(anna):
    _registration, token = anna
    phone = phone_of(anna)

    cookie = phone.cookies[PHONE_COOKIE]
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert token not in cookie.value.split(":")[1:]  # signed: value and signature, not a bare token
    page = phone.get(f"/r/{token}/?netwerk=toestel").content.decode()
    assert "Deze telefoon staat nu op uw naam." in page
    assert "Vergeet deze telefoon" in page and "Gebruik deze telefoon" not in page


def test_another_site_cannot_make_a_phone_someone_elses(anna, bram):
    """Login CSRF: an attacker's page loads /r/<attacker's token>/netwerken/verbindcode.svg as an
    image, or posts to "Use this phone" without the victim's CSRF token: the victim's phone stays theirs."""
    victim = phone_of(anna)
    _attacker, attacker_token = bram
    signed = victim.cookies[PHONE_COOKIE].value
    victim.handler.enforce_csrf_checks = True

    image = victim.get(f"/r/{attacker_token}/netwerken/verbindcode.svg", HTTP_SEC_FETCH_SITE="cross-site")
    assert (image.status_code, PHONE_COOKIE in image.cookies) == (200, False)
    assert victim.get(f"/r/{attacker_token}/netwerken/dit-toestel/").status_code == 405
    forged = victim.post(
        f"/r/{attacker_token}/netwerken/dit-toestel/", HTTP_ORIGIN="https://evil.example", secure=True
    )
    assert (forged.status_code, PHONE_COOKIE in forged.cookies) == (403, False)
    assert victim.cookies[PHONE_COOKIE].value == signed

    victim.handler.enforce_csrf_checks = False
    victim.post(connect_path(bram))
    assert [(c.requester, c.recipient) for c in Contact.objects.all()] == [(anna[0], bram[0])]


def test_request_accept_and_details_shared_only_then(anna, bram):
    anna_phone, bram_phone = phone_of(anna), phone_of(bram)

    ask = bram_phone.get(connect_path(anna)).content.decode()
    assert "Een contactverzoek sturen aan Anna Bakker?" in ask  # the name of whom they scanned
    assert anna[0].email not in ask  # her address once she accepts

    sent = bram_phone.post(connect_path(anna), {"note": "Over  burgerberaden"}).content.decode()
    assert "Uw verzoek aan Anna Bakker is verstuurd" in sent and anna[0].email not in sent
    contact = Contact.objects.get()
    assert (contact.requester, contact.recipient, contact.status, contact.note) == (
        bram[0],
        anna[0],
        "pending",
        "Over burgerberaden",
    )

    anna_page = anna_phone.get(f"/r/{anna[1]}/").content.decode()
    assert "Bram de Wit" in anna_page and "Wethouder" in anna_page and "Over burgerberaden" in anna_page
    assert bram[0].email not in anna_page
    bram_page = bram_phone.get(f"/r/{bram[1]}/").content.decode()
    # "Requests you sent" names her; her address only once she accepts.
    assert "<strong>Anna Bakker</strong> · Verstuurd om" in bram_page and anna[0].email not in bram_page

    accepted = anna_phone.post(f"/r/{anna[1]}/contacten/{contact.pk}/accepteren/")
    assert accepted["Location"] == f"/r/{anna[1]}/?netwerk=geaccepteerd#contacten"

    assert bram[0].email in anna_phone.get(f"/r/{anna[1]}/").content.decode()
    assert anna[0].email in bram_phone.get(f"/r/{bram[1]}/").content.decode()
    again = bram_phone.get(connect_path(anna)).content.decode()
    assert "U bent verbonden." in again and anna[0].email in again


def test_scanning_back_accepts_a_request_the_other_sent(anna, bram):
    anna_phone, bram_phone = phone_of(anna), phone_of(bram)
    bram_phone.post(connect_path(anna))

    page = anna_phone.get(connect_path(bram)).content.decode()
    assert "Bram de Wit heeft u al om contact gevraagd." in page
    done = anna_phone.post(connect_path(bram)).content.decode()

    assert "U bent verbonden." in done and bram[0].email in done
    assert list(Contact.objects.values_list("status", flat=True)) == ["accepted"]


def test_asking_twice_keeps_one_request(anna, bram):
    bram_phone = phone_of(bram)
    phone_of(anna)
    bram_phone.post(connect_path(anna), {"note": "eerste"})
    bram_phone.post(connect_path(anna), {"note": "tweede"})

    assert list(Contact.objects.values_list("note", flat=True)) == ["eerste"]


def test_phone_without_owner_own_code_and_unknown_code(anna, bram):
    phone_of(anna)
    stranger = Client()
    assert "Deze telefoon weet nog niet wie u bent." in stranger.get(connect_path(anna)).content.decode()
    assert stranger.post(connect_path(anna)).status_code == 200
    assert Contact.objects.count() == 0

    anna_phone = phone_of(anna)
    assert "Dit is uw eigen verbindcode." in anna_phone.get(connect_path(anna)).content.decode()
    anna_phone.post(connect_path(anna))
    assert Contact.objects.count() == 0

    unknown = anna_phone.get("/verbind/ONBEKENDECODE")
    assert unknown.status_code == 404 and "niet bekend" in unknown.content.decode()


def test_a_forged_phone_cookie_is_ignored(anna, bram):
    phone_of(anna)
    forger = Client()
    forger.cookies[PHONE_COOKIE] = bram[1]  # the bare token, without a signature

    assert "Deze telefoon weet nog niet wie u bent." in forger.get(connect_path(anna)).content.decode()
    forger.post(connect_path(anna))
    assert Contact.objects.count() == 0


def test_forget_this_phone(anna, bram):
    phone_of(anna)
    bram_phone = phone_of(bram)

    response = bram_phone.post(f"/r/{bram[1]}/netwerken/toestel-vergeten/")

    assert response.cookies[PHONE_COOKIE].value == ""
    assert "Deze telefoon weet nog niet wie u bent." in bram_phone.get(connect_path(anna)).content.decode()


def test_withdraw_decline_and_delete(event, anna, bram, municipalities):
    carla = attendee(event, "Carla Kok", municipality=municipalities["GM0599"])
    anna_phone, bram_phone, carla_phone = phone_of(anna), phone_of(bram), phone_of(carla)

    bram_phone.post(connect_path(anna))
    withdrawn = Contact.objects.get()
    # Someone else cannot touch it; the requester withdraws it.
    assert carla_phone.post(f"/r/{carla[1]}/contacten/{withdrawn.pk}/verwijderen/").status_code == 404
    assert carla_phone.post(f"/r/{carla[1]}/contacten/{withdrawn.pk}/accepteren/").status_code == 404
    assert (
        bram_phone.post(f"/r/{bram[1]}/contacten/{withdrawn.pk}/accepteren/").status_code == 404
    )  # not his to accept
    bram_phone.post(f"/r/{bram[1]}/contacten/{withdrawn.pk}/verwijderen/")
    assert Contact.objects.count() == 0

    carla_phone.post(connect_path(anna))
    declined = Contact.objects.get()
    anna_phone.post(f"/r/{anna[1]}/contacten/{declined.pk}/verwijderen/")
    assert Contact.objects.count() == 0

    bram_phone.post(connect_path(anna))
    accepted = Contact.objects.get()
    anna_phone.post(f"/r/{anna[1]}/contacten/{accepted.pk}/accepteren/")
    response = bram_phone.post(f"/r/{bram[1]}/contacten/{accepted.pk}/verwijderen/")
    assert response["Location"] == f"/r/{bram[1]}/?netwerk=verwijderd#contacten"
    assert Contact.objects.count() == 0
    assert bram[0].email not in anna_phone.get(f"/r/{anna[1]}/").content.decode()


def test_contact_forms_need_post(anna):
    assert Client().get(f"/r/{anna[1]}/contacten/1/verwijderen/").status_code == 405


# vCard


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def split_unescaped(value: str, separator: str) -> list[str]:
    return re.split(rf"(?<!\\){re.escape(separator)}", value)


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_vcards(text: str) -> list[dict[str, list[str]]]:
    """A small vCard 3.0 reader: cards of NAME -> values (N split into its components)."""
    cards, card = [], None
    for line in unfold(text):
        if not line:
            continue
        name_part, value = line.split(":", 1)
        name = name_part.split(";")[0].upper()
        if name == "BEGIN":
            card = {}
        elif name == "END":
            cards.append(card)
        elif name == "N":
            card["N"] = [unescape(part) for part in split_unescaped(value, ";")]
        else:
            card.setdefault(name, []).append(unescape(value))
    return cards


def test_vcard_export_of_accepted_contacts(event, anna, municipalities):
    tricky = attendee(event, "Zoë O'Neill-Smit", municipality=None, role="anders")
    tricky[0].organisation = "Kennisinstituut, afd. Democratie; Noord\\Zuid"
    tricky[0].save()
    pending = attendee(event, "Piet Wacht", municipality=municipalities["GM0080"])
    anna_phone, tricky_phone, pending_phone = phone_of(anna), phone_of(tricky), phone_of(pending)
    note = "Gesprek over de raad; vervolg in december, met é" + "é" * 60
    tricky_phone.post(connect_path(anna), {"note": note})
    pending_phone.post(connect_path(anna))
    contact = Contact.objects.get(requester=tricky[0])
    anna_phone.post(f"/r/{anna[1]}/contacten/{contact.pk}/accepteren/")

    response = anna_phone.get(f"/r/{anna[1]}/contacten.vcf")

    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="contacten-{anna[0].reference}.vcf"'
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cards = parse_vcards(text)
    assert cards == [
        {
            "VERSION": ["3.0"],
            "N": ["O'Neill-Smit", "Zoë", "", "", ""],
            "FN": ["Zoë O'Neill-Smit"],
            "ORG": ["Kennisinstituut, afd. Democratie; Noord\\Zuid"],
            "TITLE": ["Anders"],
            "EMAIL": [tricky[0].email],
            "NOTE": [note],
        }
    ]
    # Piet's request is still pending: not exported; and the other side exports Anna.
    assert [
        card["FN"]
        for card in parse_vcards(tricky_phone.get(f"/r/{tricky[1]}/contacten.vcf").content.decode())
    ] == [["Anna Bakker"]]
