"""Devices made in bulk with a printed sheet of pairing codes, and the short pairing code a steward
types instead of scanning the QR: once, before it expires, with a client's wrong tries limited
(issue 15, "Doors per room")."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from checkin.errors import CheckinError
from checkin.models import Device, PairingCode
from checkin.services import (
    BULK_MAX,
    authenticate_device,
    create_device,
    create_devices,
    issue_pairing,
    pair_by_short_code,
    pair_device,
)
from checkin.services.devices import PAIRING_LIFETIME
from config import ratelimit
from events.models import secret_hash
from events.room.models import CODE_ALPHABET
from tests.concurrency import race
from tests.support import requires_postgres

DEVICES = "/dashboard/apparaten/"
BULK = "/dashboard/apparaten/reeks/"
TYPED = "/scan/koppel/"
SHORT = re.compile(rf"^[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")


def short_codes_on(page: str) -> list[str]:
    return re.findall(r'class="pairing-short">([^<]+)<', page)


def bulk_post(client: Client, **fields):
    client.get(DEVICES)
    data = {"bulk-kind": "scanner", "bulk-prefix": "Deur", "bulk-count": "3", **fields}
    return client.post(BULK, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_bulk_makes_n_devices_and_a_sheet_with_each_name_qr_and_short_code(staff_client, staff_user, event):
    create_device(event=event, name="Deur 2")  # numbering goes on after the highest

    response = bulk_post(staff_client, **{"bulk-kind": "desk", "bulk-count": "7"})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    made = list(Device.objects.filter(created_by=staff_user).order_by("pk"))
    assert [device.name for device in made] == [f"Deur {number}" for number in range(3, 10)]
    assert {device.kind for device in made} == {Device.Kind.DESK}
    page = response.content.decode()
    for device in made:
        assert f"<h2>{device.name}</h2>" in page
    assert page.count("<svg") == 7
    assert page.count('class="sheet-page"') == 2  # 6 cards per A4 page
    codes = short_codes_on(page)
    assert len(codes) == 7 and all(SHORT.match(code) for code in codes)
    stored = PairingCode.objects.filter(device__in=made, used_at__isnull=True)
    assert sorted(stored.values_list("short_hash", flat=True)) == sorted(
        secret_hash(code.replace("-", "")) for code in codes
    )
    assert {
        pairing.expires_at - pairing.created_at < PAIRING_LIFETIME + timedelta(seconds=5)
        for pairing in stored
    } == {True}


@pytest.mark.parametrize("count", ["0", str(BULK_MAX + 1), "veel"])
def test_bulk_refuses_a_count_out_of_range_and_stores_nothing(staff_client, event, count):
    response = bulk_post(staff_client, **{"bulk-count": count})

    assert response.status_code == 422
    assert "Aantal apparaten" in response.content.decode()
    assert (Device.objects.count(), PairingCode.objects.count()) == (0, 0)


def test_the_service_makes_all_or_none(event):
    with pytest.raises(CheckinError, match="bulk_count"):
        create_devices(event=event, prefix="Deur", count=BULK_MAX + 1)

    assert (Device.objects.count(), PairingCode.objects.count()) == (0, 0)


def test_the_unpaired_scanner_links_to_the_typing_page(api, event):
    assert f'href="{TYPED}"' in api.get("/scan/").content.decode()


def test_bulk_needs_an_organiser(api, event):
    assert api.post(BULK, {"bulk-prefix": "Deur", "bulk-count": "2"}).status_code == 302
    assert Device.objects.count() == 0


def test_no_two_codes_alike_across_a_full_batch(event):
    made = create_devices(event=event, prefix="Scanner", count=BULK_MAX)
    made += create_devices(event=event, prefix="Scanner", count=BULK_MAX)

    shorts = [issued.short_code for _device, issued in made]
    longs = [issued.code for _device, issued in made]
    assert (len(set(shorts)), len(set(longs))) == (2 * BULK_MAX, 2 * BULK_MAX)
    assert len({device.name for device, _issued in made}) == 2 * BULK_MAX


def test_a_typed_short_code_pairs_a_scanner_phone_as_the_qr_does(api, event):
    device, _old_token = create_device(event=event, name="Zaal B")
    issued = issue_pairing(device)
    typed = issued.short_code.replace("-", " ").lower()  # as a person may type it

    response = api.post(TYPED, {"code": typed})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    paired = json.loads(
        re.search(r'<script id="pairing-data" type="application/json">(.*?)</script>', page)[1]
    )
    assert paired["device"] == {"id": device.pk, "name": "Zaal B", "workshop": None}
    assert authenticate_device(paired["token"]) == device
    assert "checkin/scanner/pair-typed.js" in page
    # Used once: neither code works again.
    assert api.post(TYPED, {"code": typed}).status_code == 410
    with pytest.raises(Exception, match="pairing_code_used"):
        pair_device(issued.code)


def test_a_typed_short_code_pairs_a_desk_browser_with_its_cookie(api, event):
    desk, _token = create_device(event=event, name="Balie 1", kind=Device.Kind.DESK)
    issued = issue_pairing(desk)

    response = api.post(TYPED, {"code": issued.short_code})

    assert response.status_code == 200
    assert "Naar de registratiebalie" in response.content.decode()
    assert "pairing-data" not in response.content.decode()
    assert api.get("/balie/").status_code == 200
    assert Device.objects.get(pk=desk.pk).paired_at is not None


def test_an_expired_short_code_is_refused(api, event):
    device, _token = create_device(event=event, name="Zaal C")
    issued = issue_pairing(device)
    PairingCode.objects.filter(pk=issued.pairing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = api.post(TYPED, {"code": issued.short_code})

    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert Device.objects.get(pk=device.pk).paired_at is None


def test_a_new_code_ends_the_previous_short_code(api, event):
    device, _token = create_device(event=event, name="Zaal D")
    old = issue_pairing(device)
    issue_pairing(device)

    assert api.post(TYPED, {"code": old.short_code}).status_code == 410


@pytest.mark.parametrize("typed", ["", "ABC", "ABCD-EFG0", "ABCD-EFGHJ"])
def test_a_malformed_code_is_a_form_error(api, event, typed):
    response = api.post(TYPED, {"code": typed})

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_typing_page(api, event):
    response = api.get(TYPED)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="code"' in page and 'autocapitalize="characters"' in page


@pytest.fixture
def limits(settings):
    ratelimit.reset()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pairing_typed": "3/900", "pairing_typed_ip": "8/900"}
    cache.clear()
    yield
    ratelimit.reset()


def test_after_k_wrong_codes_the_client_may_not_try_again_not_even_the_right_code(limits, event):
    device, _token = create_device(event=event, name="Zaal E")
    issued = issue_pairing(device)
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    neighbour = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Another phone")

    wrong = [guesser.post(TYPED, {"code": "ABCD-EFGH"}).status_code for _ in range(3)]
    refused = guesser.post(TYPED, {"code": issued.short_code})

    assert wrong == [404, 404, 404]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 900
    assert "Te veel verzoeken" in refused.content.decode()
    assert Device.objects.get(pk=device.pk).paired_at is None
    # Someone else on the same Wi-Fi pairs as usual.
    assert neighbour.post(TYPED, {"code": issued.short_code}).status_code == 200
    assert Device.objects.get(pk=device.pk).paired_at is not None


def test_the_address_has_a_larger_budget_for_clients_that_drop_cookies(limits, event):
    statuses = []
    for number in range(10):
        fresh = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT=f"browser {number}")
        statuses.append(fresh.post(TYPED, {"code": "WXYZ-2345"}).status_code)

    assert statuses == [404] * 8 + [429] * 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_phones_typing_one_short_code_at_once_one_is_paired(event):
    device, _token = create_device(event=event, name="Zaal F")
    issued = issue_pairing(device)

    answers = race(lambda _index: pair_by_short_code(issued.short_code), 2)

    winners = [answer for answer in answers if isinstance(answer, tuple)]
    losers = [answer for answer in answers if isinstance(answer, CheckinError)]
    assert (len(winners), [loser.code for loser in losers]) == (1, ["pairing_code_used"])
    assert authenticate_device(winners[0][1]) == device


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_organisers_making_batches_at_once_get_distinct_codes(event):
    batches = race(lambda index: create_devices(event=event, prefix=f"Ploeg {index}", count=20), 2)

    shorts = [issued.short_code for batch in batches for _device, issued in batch]
    assert (len(shorts), len(set(shorts)), Device.objects.count()) == (40, 40, 40)
