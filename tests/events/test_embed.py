"""The embeddable programme (issue 19): /programma/embed/ may be framed by our own site and the
origins of EMBED_ALLOWED_ORIGINS only (`frame-ancestors`, no X-Frame-Options); every other page
keeps refusing every frame. The page is the live programme, compact."""

import pytest

from tests.support import PRODUCTION, manage

EMBED = "/programma/embed/"
ORIGINS = ["https://www.vng.nl", "https://gemeente.amersfoort.nl:8443"]


def frame_ancestors(response) -> str:
    (directive,) = [
        part.strip() for part in response["Content-Security-Policy"].split(";") if "frame-ancestors" in part
    ]
    return directive


def test_the_embed_names_exactly_the_configured_origins_and_sends_no_x_frame_options(
    client, programme, settings
):
    settings.EMBED_ALLOWED_ORIGINS = ORIGINS
    response = client.get(EMBED)

    assert response.status_code == 200
    assert (
        frame_ancestors(response)
        == "frame-ancestors 'self' https://www.vng.nl https://gemeente.amersfoort.nl:8443"
    )
    assert "X-Frame-Options" not in response
    # The rest of its policy is every page's: scripts from our static files only.
    assert "script-src 'self' 'wasm-unsafe-eval';" in response["Content-Security-Policy"]


def test_without_origins_only_our_own_site_may_frame_it(client, programme, settings):
    settings.EMBED_ALLOWED_ORIGINS = []
    assert frame_ancestors(client.get(EMBED)) == "frame-ancestors 'self'"


@pytest.mark.parametrize(
    "path", ["/", "/aanmelden/", "/privacy/", "/netwerk/", "/scan/", "/api/v1/workshops"]
)
def test_every_other_page_still_refuses_frames(client, programme, settings, path):
    settings.EMBED_ALLOWED_ORIGINS = ORIGINS
    response = client.get(path)

    assert response.status_code == 200
    assert (response["X-Frame-Options"], frame_ancestors(response)) == ("DENY", "frame-ancestors 'none'")


def test_the_embed_shows_the_programme_with_its_live_hooks(client, programme):
    html = client.get(EMBED).content.decode()
    raad, small = programme["raad"], programme["small"]

    assert f'data-workshop="{raad.pk}"' in html
    assert f'data-round="{raad.round_id}"' in html
    assert raad.title in html and small.title in html
    assert 'id="seat-texts"' in html
    assert "events/programme.js" in html and "events/embed-frame.js" in html
    assert "site-header" not in html  # no navigation of our site inside another's page


def test_only_get_is_answered(client, programme):
    assert client.post(EMBED).status_code in (403, 405)


@pytest.mark.parametrize(
    "value", ["https://www.vng.nl/pagina", "www.vng.nl", "https://x.nl; script-src *", "'self'"]
)
def test_a_setting_that_is_not_a_list_of_origins_stops_the_start(value):
    result = manage("check", env={**PRODUCTION, "EMBED_ALLOWED_ORIGINS": f"https://www.vng.nl,{value}"})
    assert result.returncode == 1
    assert "EMBED_ALLOWED_ORIGINS" in result.stderr and "is not an origin" in result.stderr


def test_a_list_of_origins_is_accepted():
    result = manage(
        "check", env={**PRODUCTION, "EMBED_ALLOWED_ORIGINS": "https://www.vng.nl, http://localhost:8080/"}
    )
    assert (result.returncode, result.stderr) == (0, "")
