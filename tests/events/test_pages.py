"""The public pages work without JavaScript: programme, registration form, my registration, badge."""

import re
from io import BytesIO

import pytest
import zxingcpp
from django.core import mail
from PIL import Image

from events import services
from events.models import Registration
from tests.factories import registration_form_data as form_data


def test_home_shows_the_programme_in_dutch(client, programme):
    response = client.get("/")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Direct naar de inhoud" in html
    assert "Klein Gezelschap" in html
    assert "nog 2 plekken" in html


def test_register_form_renders_one_radio_group_per_round(client, programme):
    html = client.get("/aanmelden/").content.decode()
    first, second = programme["rounds"]["first"], programme["rounds"]["second"]

    assert html.count(f'name="round-{first.pk}"') == 3  # "no workshop" + two workshops
    assert html.count(f'name="round-{second.pk}"') == 2
    assert f'name="round-{programme["rounds"]["opening"].pk}"' not in html
    assert 'for="id_email"' in html


def test_register_through_the_form(client, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/aanmelden/", form_data(programme))

    registration = Registration.objects.get()
    assert response.status_code == 302
    token = re.match(r"^/r/([\w-]+)/\?welkom=1$", response["Location"]).group(1)
    assert (registration.first_name, registration.role, registration.municipality_id) == (
        "Fatima",
        "griffier",
        "GM0599",
    )
    assert [b.workshop_id for b in registration.bookings.all()] == [programme["small"].pk]
    assert len(mail.outbox) == 1

    page = client.get(response["Location"]).content.decode()
    assert "U bent aangemeld." in page
    assert registration.reference in page
    # The badge image and the calendar feed carry their own read-only tokens, never the manage token.
    assert f"/badge/{registration.badge_token}.svg" in page
    assert f"webcal://testserver/ical/r/{registration.calendar_token}.ics" in page
    assert f"/badge/{token}." not in page and f"/ical/r/{token}" not in page


def test_form_errors_are_summarised_and_nothing_is_stored(client, programme):
    response = client.post("/aanmelden/", form_data(programme, email="nee", privacy=""))
    html = response.content.decode()

    assert response.status_code == 422
    assert 'class="error-summary"' in html
    assert 'href="#id_email"' in html and 'href="#id_privacy"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="Fatima"' in html  # what was typed is kept
    assert f'value="{programme["small"].pk}" checked' in html
    assert Registration.objects.count() == 0


def test_a_known_address_is_answered_like_a_new_one(client, programme):
    """The page tells nothing about who registered: the owner of the address decides by mail."""
    first = client.post("/aanmelden/", form_data(programme))
    second = client.post("/aanmelden/", form_data(programme))
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"].endswith("/?welkom=1") and second["Location"] != first["Location"]
    assert [r.address_verified for r in Registration.objects.order_by("pk")] == [False, False]


def test_badge_images_hold_the_payload(client, programme):
    location = client.post("/aanmelden/", form_data(programme))["Location"]
    token = location.split("/")[2]
    registration = Registration.objects.get()

    png = client.get(f"/badge/{registration.badge_token}.png")
    svg = client.get(f"/badge/{registration.badge_token}.svg")
    page = client.get(f"/r/{token}/badge/").content.decode()

    assert png["Content-Type"] == "image/png" and svg["Content-Type"] == "image/svg+xml"
    decoded = zxingcpp.read_barcodes(Image.open(BytesIO(png.content)))
    assert [(code.text, code.format.name) for code in decoded] == [
        (f"DLD1:{registration.badge_secret}", "QRCode")
    ]
    assert svg.content.startswith(b"<svg") and b"<path" in svg.content
    assert "Fatima El Amrani" in page and "Griffier" in page and "Rotterdam" in page and "<svg" in page


@pytest.mark.parametrize(
    "path", ["/r/{}/", "/r/{}/badge/", "/badge/{}.svg", "/badge/{}.png", "/ical/r/{}.ics"]
)
def test_unknown_tokens_are_404(client, programme, path):
    assert client.get(path.format("onbekend-token-1234567890")).status_code == 404


def test_staff_pages_need_a_login(client, programme):
    # /scan/ is not among them: a paired phone has no login, so the scanner's shell is public and
    # holds no data (tests/checkin/test_scanner_pages.py); its API needs a device token or staff.
    assert client.get("/dashboard/").status_code == 302


def test_staff_pages_render(staff_client, programme):
    assert "Badgecode" in staff_client.get("/scan/").content.decode()
    assert "nog niet binnen" in staff_client.get("/dashboard/").content.decode()


def test_pages_are_dutch_whatever_the_browser_asks(client, programme):
    html = client.get("/aanmelden/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Voornaam" in html and "First name" not in html


def test_pages_that_take_a_form_also_answer_head(client, event, make_attendee):
    """Uptime monitors and link checkers ask with HEAD: the answer is the GET's, without a body."""
    token = make_attendee().manage_token
    for path in ["/aanmelden/", "/netwerk/", f"/r/{token}/", f"/r/{token}/annuleren/", f"/r/{token}/wissen/"]:
        response = client.head(path)
        assert (path, response.status_code, response.content) == (path, 200, b"")
    assert client.head(f"/r/{token}/netwerken/").status_code == 302


def test_the_welcome_of_someone_only_on_a_waitlist_says_so(client, make_attendee, programme):
    make_attendee(1, programme["small"]), make_attendee(2, programme["small"])
    waiting = make_attendee(3, programme["small"])
    page = client.get(f"/r/{waiting.manage_token}/?welkom=1").content.decode()
    assert "U bent aangemeld." in page
    assert "Voor “Klein Gezelschap” staat u op de wachtlijst (nummer 1)" in page


def test_a_cancelled_registration_is_not_welcomed_to_the_plenary_sessions(client, make_attendee, programme):
    registration = make_attendee(1)
    services.cancel_registration(registration)
    page = client.get(f"/r/{registration.manage_token}/").content.decode()
    assert "geannuleerd" in page
    assert "plenaire" not in page
    assert "Toon mijn badge" not in page


def test_the_programme_filters_by_round_and_theme(client, programme):
    first = client.get(f"/?ronde={programme['rounds']['first'].pk}").content.decode()
    assert ("Sterke Raad" in first, "Digitale Participatie" in first, "2 onderdelen getoond." in first) == (
        True,
        False,
        True,
    )
    themed = client.get("/?thema=inwoners-betrekken").content.decode()
    assert ("Klein Gezelschap" in themed, "Sterke Raad" in themed) == (True, False)
    assert client.get("/?ronde=x&thema=<b>").status_code == 200
