"""What the network pages say (issue 12 §7 and §9): whole offer descriptions, the opening date as
it is, kiosk mode explained to staff, a directory with a name search and honest help texts."""

import re

import time_machine
from django.test import Client

from networking.models import Offer
from tests.clock import at, dutch_date, event_day
from tests.factories import attendee

QUICK_SCAN = (
    "Breng in kaart hoe het staat met de democratie in uw gemeente. De scan levert een beeld op dat kan "
    "dienen als startpunt voor maatregelen om de lokale democratie te versterken. De eerste 50 gemeenten "
    "die zich melden, doen de scan gratis en met ondersteuning van de adviseurs van Democratie in Actie."
)


def test_offer_descriptions_are_shown_whole_and_long_ones_folded(client, offers, municipalities):
    Offer.objects.filter(slug="quick-scan").update(description=QUICK_SCAN)
    long_text = " ".join(f"woord{n}" for n in range(80)) + " slotzin"
    Offer.objects.filter(slug="ontwikkeltraject").update(description=long_text)

    html = client.get("/netwerk/").content.decode()

    assert f'<span class="description">{QUICK_SCAN}</span>' in html  # "gratis" is not cut off
    folded = re.search(r'<details class="description offer-description">(.*?)</details>', html, re.S).group(1)
    assert "Lees meer" in folded and f"<p>{long_text}</p>" in folded


def test_the_opening_is_the_real_day(event, offers, municipalities):
    client = Client()
    with time_machine.travel(at(12, days=-3), tick=False):
        before = client.get("/netwerk/").content.decode()
    with time_machine.travel(at(9), tick=False):
        today = client.get("/netwerk/").content.decode()
    with time_machine.travel(at(9, days=2), tick=False):
        after = client.get("/netwerk/").content.decode()

    # "maandag 11 januari": the weekday, the day and the month, no year.
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    day = f"{weekday[event_day().weekday()]} {dutch_date(event_day()).rsplit(' ', 1)[0]}"
    assert f"Op {day}, tijdens de Dag van de Lokale Democratie, stelt Democratie in Actie" in before
    assert "vandaag" not in before.lower().split('class="lead"')[1].split("</p>")[0]
    assert "Vandaag stelt Democratie in Actie het netwerk en het aanbod open voor gemeenten." in today
    assert f"Op {day} stelde Democratie in Actie het netwerk en het aanbod open" in after
    assert "drie aanbiedingen" not in before + today + after


def test_staff_see_how_to_use_the_kiosk_and_the_public_does_not(client, staff_client, offers, municipalities):
    staff_page = staff_client.get("/netwerk/").content.decode()
    kiosk_page = staff_client.get("/netwerk/?kiosk=1").content.decode()
    public = client.get("/netwerk/").content.decode()

    assert 'open <a href="/netwerk/?kiosk=1">deze pagina als kiosk</a> op de tablet' in staff_page
    assert "20 seconden na een aanmelding en na 2 minuten zonder aanraking" in staff_page
    assert "als kiosk" not in kiosk_page and "als kiosk" not in public


def test_the_directory_searches_by_name(client, event, municipalities):
    viewer = attendee(event, "Anna Bakker", municipality=municipalities["GM0307"])
    attendee(event, "Bram de Vries", municipality=municipalities["GM0363"])
    attendee(event, "Carla Jansen", municipality=municipalities["GM0599"])

    html = client.get(f"/r/{viewer[1]}/deelnemers/", {"name": "  de  VRIES "}).content.decode()
    api = client.get(f"/api/v1/registrations/{viewer[1]}/directory", {"name": "jans"}).json()

    assert "Bram de Vries" in html and "Carla Jansen" not in html
    assert '<input type="text" name="name" value="  de  VRIES " maxlength="100" id="id_name">' in html
    assert [person["name"] for person in api["attendees"]] == ["Carla Jansen"]


def test_directory_filters_do_not_say_optional_and_the_help_says_what_is_shown(client, event, municipalities):
    viewer = attendee(event, "Anna Bakker", municipality=municipalities["GM0307"])

    directory = client.get(f"/r/{viewer[1]}/deelnemers/").content.decode()
    own_page = client.get(f"/r/{viewer[1]}/").content.decode()

    filters = directory.split('class="filters"')[1].split("</form>")[0]
    assert "niet verplicht" not in filters
    assert [label for label in re.findall(r"<label for=\"id_\w+\">([^<]+)</label>", filters)] == [
        "Naam",
        "Functie",
        "Provincie",
        "Thema",
    ]
    assert (
        "Andere deelnemers in de gids zien uw naam, functie en gemeente, en ook de thema's en de regel "
        "hieronder als u die invult. Uw e-mailadres ziet niemand."
    ) in own_page.replace("&#x27;", "'")
    assert "Niet verplicht." not in own_page
    assert "Deze telefoon weet nu" not in own_page
    assert "stuurt dan een contactverzoek namens u" in own_page
