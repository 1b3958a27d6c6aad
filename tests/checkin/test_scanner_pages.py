"""The scanner's pages: the shell at /scan/, the pairing page, the web app manifest and service
worker, the organisers' device pages, and the vendored QR reader."""

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.test import Client

from checkin.models import Device, PairingCode
from checkin.services import create_device, new_pairing_code, pair_device
from tests.clock import at

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "checkin" / "static" / "checkin" / "vendor"
WASM_SHA256 = "2ebda08a93eea3efcd8399cda6b276e6a0b1de4fec60b4d8988a047de4c6d1ba"
DEVICES = "/dashboard/apparaten/"


def csrf_of(client: Client) -> str:
    return client.cookies["csrftoken"].value


def test_the_scanner_shell_needs_no_login_and_holds_no_personal_data(api, event, scanner):
    response = api.get("/scan/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "playsinline" in page and "muted" in page
    assert 'rel="manifest" href="/scan/manifest.webmanifest"' in page
    assert "zxing_reader.wasm" in page
    assert "<script>" not in page and 'style="' not in page
    assert "csrftoken" in response.cookies


def test_manifest_makes_the_scanner_installable(api, event):
    response = api.get("/scan/manifest.webmanifest")

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/scan/",
        "/scan/",
        "standalone",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert api.get(icon["src"]).status_code == 200


def test_service_worker_caches_the_shell(api, event):
    response = api.get("/scan/sw.js")

    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(re.match(r"const SCANNER = (.*);\n", response.content.decode()).group(1))
    assert config["page"] == "/scan/"
    assert "/scan/" in config["shell"]
    assert any(url.endswith("zxing_reader.wasm") for url in config["shell"])
    for url in config["shell"]:
        assert api.get(url).status_code == 200, url


def test_vendored_wasm_is_the_pinned_one():
    wasm = (VENDOR / "zxing-wasm" / "zxing_reader.wasm").read_bytes()
    polyfill = (VENDOR / "barcode-detector" / "index.js").read_text()

    assert hashlib.sha256(wasm).hexdigest() == WASM_SHA256
    # The polyfill expects exactly this build of the reader.
    assert f"`{WASM_SHA256}`" in polyfill
    assert "sourceMappingURL" not in polyfill
    readme = (VENDOR / "README.md").read_text()
    assert WASM_SHA256 in readme and "3.2.2" in readme and "3.1.3" in readme


def test_pairing_page_for_a_valid_code(api, event):
    device, _token = create_device(event=event, name="Zaal A")
    _pairing, code = new_pairing_code(device)

    response = api.get(f"/scan/koppel/{code}/")

    assert response.status_code == 200
    assert "Zaal A" in response.content.decode()
    assert f'data-code="{code}"' in response.content.decode()
    # Looking does not use the code up: only the exchange does.
    assert PairingCode.objects.get().used_at is None


def test_pairing_page_for_a_used_code(api, event):
    device, _token = create_device(event=event, name="Zaal A")
    _pairing, code = new_pairing_code(device)
    pair_device(code)

    response = api.get(f"/scan/koppel/{code}/")

    assert response.status_code == 410
    assert "data-code" not in response.content.decode()


def test_pairing_page_for_an_unknown_code(api, event):
    assert api.get("/scan/koppel/bestaat-niet-1234/").status_code == 404


# Organisers' device pages


def test_device_pages_are_for_organisers_only(api, event, django_user_model):
    assert api.get(DEVICES).status_code == 302
    api.force_login(django_user_model.objects.create_user("bezoeker", password="x"))
    assert api.get(DEVICES).status_code == 302


def test_dashboard_links_to_the_devices(staff_client, event):
    assert f'href="{DEVICES}"' in staff_client.get("/dashboard/").content.decode()


def test_create_a_device_and_show_its_pairing_qr(staff_client, staff_user, event, programme):
    staff_client.get(DEVICES)

    response = staff_client.post(
        DEVICES,
        {
            "name": "Zaal A deur",
            "workshop": programme["raad"].pk,
            "csrfmiddlewaretoken": csrf_of(staff_client),
        },
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    device = Device.objects.get()
    assert (device.name, device.workshop, device.created_by) == ("Zaal A deur", programme["raad"], staff_user)
    page = response.content.decode()
    assert "<svg" in page
    url = re.search(r'<code class="pairing-url">([^<]+)</code>', page).group(1)
    code = re.fullmatch(r"http://testserver/scan/koppel/([A-Za-z0-9_-]+)/", url).group(1)
    # The QR holds a one-time code, not the device's token.
    paired, token = pair_device(code)
    assert paired == device
    assert code != token


def test_the_device_list(staff_client, event, programme):
    create_device(event=event, name="Ingang noord")
    create_device(event=event, name="Zaal A", workshop=programme["raad"])

    page = staff_client.get(DEVICES).content.decode()

    assert "Ingang noord" in page and "Zaal A" in page
    # The create form and the bulk form, then door, pairing and revoke per device.
    assert page.count('action="/dashboard/apparaten/') == 2 + 2 * 3


def test_a_device_name_is_required(staff_client, event):
    staff_client.get(DEVICES)
    response = staff_client.post(DEVICES, {"name": "", "csrfmiddlewaretoken": csrf_of(staff_client)})
    assert response.status_code == 422
    assert Device.objects.count() == 0


def test_posts_need_csrf(staff_client, event):
    device, _token = create_device(event=event, name="Zaal A")
    assert staff_client.post(DEVICES, {"name": "Zonder token"}).status_code == 403
    assert staff_client.post(f"{DEVICES}{device.pk}/intrekken/").status_code == 403
    assert Device.objects.get(pk=device.pk).revoked_at is None


def test_new_pairing_qr_for_a_device(staff_client, event):
    device, _token = create_device(event=event, name="Zaal A")
    staff_client.get(DEVICES)

    response = staff_client.post(
        f"{DEVICES}{device.pk}/koppelen/", {"csrfmiddlewaretoken": csrf_of(staff_client)}
    )

    assert response.status_code == 200
    assert PairingCode.objects.filter(device=device).count() == 1


def test_set_the_door_of_a_device(staff_client, event, programme):
    device, _token = create_device(event=event, name="Zaal A")
    staff_client.get(DEVICES)

    response = staff_client.post(
        f"{DEVICES}{device.pk}/deur/",
        {f"d{device.pk}-workshop": programme["digital"].pk, "csrfmiddlewaretoken": csrf_of(staff_client)},
    )

    assert response.status_code == 302
    assert Device.objects.get(pk=device.pk).workshop == programme["digital"]


def test_revoke_a_device(staff_client, api, event):
    device, token = create_device(event=event, name="Zaal A")
    staff_client.get(DEVICES)

    response = staff_client.post(
        f"{DEVICES}{device.pk}/intrekken/", {"csrfmiddlewaretoken": csrf_of(staff_client)}
    )

    assert response.status_code == 302
    assert Device.objects.get(pk=device.pk).revoked_at is not None
    assert api.get("/api/v1/checkin/scanner", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    # A revoked device gets no new pairing QR.
    again = staff_client.post(
        f"{DEVICES}{device.pk}/koppelen/", {"csrfmiddlewaretoken": csrf_of(staff_client)}
    )
    assert again.status_code == 302
    assert not PairingCode.objects.filter(device=device).exists()


@pytest.mark.parametrize("action", ["koppelen", "deur", "intrekken"])
def test_device_actions_are_post_only_and_404_for_unknown(staff_client, event, action):
    device, _token = create_device(event=event, name="Zaal A")
    assert staff_client.get(f"{DEVICES}{device.pk}/{action}/").status_code == 405
    staff_client.get(DEVICES)
    assert (
        staff_client.post(
            f"{DEVICES}99999/{action}/", {"csrfmiddlewaretoken": csrf_of(staff_client)}
        ).status_code
        == 404
    )


def test_set_the_room_and_the_override_of_a_device(staff_client, staff_user, event, programme, time_machine):
    device, _token = create_device(event=event, name="Zaal A")
    time_machine.move_to(at(10, 50), tick=False)
    staff_client.force_login(staff_user)  # the session of weeks ago has expired on the day
    staff_client.get(DEVICES)
    prefix = f"d{device.pk}"

    response = staff_client.post(
        f"{DEVICES}{device.pk}/deur/",
        {
            f"{prefix}-room": programme["rooms"]["a"].pk,
            f"{prefix}-workshop": "",
            "csrfmiddlewaretoken": csrf_of(staff_client),
        },
    )

    assert response.status_code == 302
    stored = Device.objects.get(pk=device.pk)
    assert (stored.room, stored.workshop) == (programme["rooms"]["a"], None)
    page = staff_client.get(DEVICES).content.decode()
    assert "Controleert nu: Sterke Raad (Zaal A)" in page


def test_an_override_for_a_session_that_ended_is_refused_on_the_page(
    staff_client, staff_user, event, programme, time_machine
):
    device, _token = create_device(event=event, name="Zaal A", room=programme["rooms"]["a"])
    time_machine.move_to(at(12, 30), tick=False)
    staff_client.force_login(staff_user)
    staff_client.get(DEVICES)
    prefix = f"d{device.pk}"

    response = staff_client.post(
        f"{DEVICES}{device.pk}/deur/",
        {
            f"{prefix}-room": programme["rooms"]["a"].pk,
            f"{prefix}-workshop": programme["raad"].pk,
            "csrfmiddlewaretoken": csrf_of(staff_client),
        },
    )

    assert response.status_code == 422
    assert "Deze sessie is voorbij" in response.content.decode()
    assert Device.objects.get(pk=device.pk).workshop is None
