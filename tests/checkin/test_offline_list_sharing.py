"""GET /api/v1/checkin/list is built at most once per OFFLINE_LIST_MAX_AGE_SECONDS in a process and
shared by the phones that ask meanwhile: twenty phones that started together ask in one wave, and
twenty builds of 700 people held up the scans queued behind them."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.support import post_json

LIST = "/api/v1/checkin/list"


def listed(client: Client, headers: dict) -> dict:
    response = client.get(LIST, **headers)
    assert (response.status_code, response["Content-Type"]) == (200, "application/json")
    return response.json()


@pytest.mark.django_db
def test_a_phone_asking_within_the_age_gets_the_same_list(api, scanner_headers, make_attendee, settings):
    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 60
    attendee = make_attendee(1)
    first = listed(api, scanner_headers)
    scanned = post_json(api, "/api/v1/checkin/redeem", {"secret": attendee.badge_secret}, **scanner_headers)
    assert scanned.json()["status"] == "ok"

    again = listed(api, scanner_headers)
    assert (again["generated_at"], again["people"][0]["checked_in"]) == (first["generated_at"], False)

    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 0  # as once the age has passed
    fresh = listed(api, scanner_headers)
    assert fresh["generated_at"] != first["generated_at"]
    assert (fresh["people"][0]["checked_in"], fresh["people"][0]["checked_in_at"]) == (
        True,
        scanned.json()["checked_in_at"],
    )


@pytest.mark.django_db(transaction=True)
def test_a_wave_of_phones_shares_one_build(scanner_headers, make_attendee, settings):
    settings.OFFLINE_LIST_MAX_AGE_SECONDS = 60
    for n in range(1, 31):
        make_attendee(n)
    barrier = threading.Barrier(10)
    answers: list[str] = []

    def phone() -> None:
        try:
            barrier.wait()
            answers.append(listed(Client(), scanner_headers)["generated_at"])
        finally:
            connection.close()

    phones = [threading.Thread(target=phone) for _ in range(10)]
    for one in phones:
        one.start()
    for one in phones:
        one.join()

    assert (len(answers), len(set(answers))) == (10, 1)
