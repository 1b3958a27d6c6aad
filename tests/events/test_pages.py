"""The public pages work without JavaScript: programme, registration form, my registration, badge."""

import re
from io import BytesIO

import pytest
import zxingcpp
from django.core import mail
from PIL import Image

from events.models import Registration


def form_data(programme, **overrides) -> dict:
    data = {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "email": "fatima@rotterdam.example",
        "role": "griffier",
        "municipality": "GM0599",
        f"round-{programme['rounds']['first'].pk}": str(programme["small"].pk),
        f"round-{programme['rounds']['second'].pk}": "",
        "privacy": "on",
    }
    data.update(overrides)
    return data


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
    assert f"/badge/{token}.svg" in page
    assert "webcal://" in page


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


def test_taken_email_is_shown_at_the_field(client, programme):
    client.post("/aanmelden/", form_data(programme))
    response = client.post("/aanmelden/", form_data(programme))
    assert response.status_code == 422
    assert "Met dit e-mailadres is al iemand aangemeld." in response.content.decode()
    assert Registration.objects.count() == 1


def test_badge_images_hold_the_payload(client, programme):
    location = client.post("/aanmelden/", form_data(programme))["Location"]
    token = location.split("/")[2]
    registration = Registration.objects.get()

    png = client.get(f"/badge/{token}.png")
    svg = client.get(f"/badge/{token}.svg")
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
